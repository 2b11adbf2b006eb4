import type { Command } from 'commander';
import { openDb, pgliteDir } from '../../db/db.ts';
import { serve } from '../../server/serve.ts';
import { type DataOptions, dataDirOf, describeDb, intOption, withDataDir } from '../options.ts';

export function registerServe(program: Command): void {
  withDataDir(program.command('serve'))
    .description('serve the HTTP API (and /docs) on existing data')
    .option('--port <n>', 'port to listen on', intOption('--port'), 8080)
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .action(async (options: DataOptions & { port: number; host: string }) => {
      const db = await openDb({
        databaseUrl: process.env.DATABASE_URL,
        dataDir: pgliteDir(dataDirOf(options)),
      });
      console.error(`database: ${describeDb(options)}`);
      await serve({ db, port: options.port, host: options.host });
    });
}
