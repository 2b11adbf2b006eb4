// Starts the server and shuts it down cleanly on SIGINT/SIGTERM (closing the database last).
import type { Db } from '../db/db.ts';
import { startTriageClassifier } from '../governance/classifier/triage.ts';
import { startSlaScheduler } from '../governance/sla/sla.ts';
import { startStatisticsKeeper } from '../governance/statistics.ts';
import { buildApp } from './app.ts';

export interface ServeOptions {
  db: Db;
  port: number;
  host?: string;
}

export async function serve({ db, port, host = '127.0.0.1' }: ServeOptions): Promise<void> {
  const app = await buildApp({ db });
  const address = await app.listen({ port, host });
  console.error(`citybrain API on ${address}  (interactive docs: ${address}/docs)`);
  // Service-level timers live in the database; the first tick flags what fell due while down.
  const scheduler = startSlaScheduler(db);
  const triage = startTriageClassifier(db);
  const statistics = startStatisticsKeeper(db);
  const stop = async () => {
    await scheduler.stop();
    await triage.stop();
    await statistics.stop();
    await app.close();
    await db.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
