// Version counters for data that processes cache in memory (the area index, address indexes).
import type { Db } from './db.ts';

export type VersionedData = 'areas' | 'addresses' | 'address_aliases' | 'governance' | 'registry';

/** Marks a data set changed; call inside the transaction that changes it. */
export async function bumpDataVersion(db: Db, name: VersionedData): Promise<void> {
  await db.query('UPDATE data_versions SET version = version + 1, changed_at = now() WHERE name = $1', [
    name,
  ]);
}

export async function dataVersion(db: Db, name: VersionedData): Promise<string> {
  const [row] = await db.query<{ version: string }>(
    'SELECT version::text AS version FROM data_versions WHERE name = $1',
    [name],
  );
  return row?.version ?? '0';
}
