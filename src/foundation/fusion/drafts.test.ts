import { describe, expect, it } from 'vitest';
import { DomainError } from '../../lib/errors.ts';
import { BATCH_ROWS, readDrafts } from './drafts.ts';
import { inspectFeedFile } from './reader.ts';
import type { RowDraft } from './rows.ts';
import {
  HOUSEHOLD_HEADER,
  HOUSEHOLD_MAPPING,
  householdRows,
  tempDir,
  writeCsv,
  writeMapping,
} from './testing.ts';

const dir = tempDir();
const mapping = writeMapping(dir, 'ps_household', HOUSEHOLD_MAPPING);

async function batches(path: string): Promise<RowDraft[][]> {
  const file = await inspectFeedFile(path, 'utf-8');
  const drafts = await readDrafts(file, mapping, {
    file: file.name,
    deliveredOn: '2026-10-31',
    grids: new Set(),
  });
  const out: RowDraft[][] = [];
  for await (const batch of drafts) out.push(batch);
  return out;
}

describe('feed rows as drafts', () => {
  it('yields the rows in batches, a row of another width rejected with its cells', async () => {
    const rows = householdRows(BATCH_ROWS + 7);
    rows[3] = rows[3]!.slice(0, 4);
    const read = await batches(writeCsv(dir, 'household.csv', [HOUSEHOLD_HEADER, ...rows]));
    expect(read.map((b) => b.length)).toEqual([BATCH_ROWS, 7]);
    expect(read.flat().map((d) => d.rowNumber)).toEqual(rows.map((_, i) => i + 1));
    const short = read[0]![3]!;
    expect(short.rejected).toBe(true);
    expect(short.problems[0]).toMatchObject({
      severity: 'error',
      row: 4,
      reason: `has 4 fields, the header has ${HOUSEHOLD_HEADER.length}`,
      raw: { [HOUSEHOLD_HEADER[0]!]: rows[3]![0], [HOUSEHOLD_HEADER.at(-1)!]: '' },
    });
    expect(read[0]![4]!.rejected).toBe(false);
  });

  it('names every column the mapping needs that the header lacks, before any row', async () => {
    const path = writeCsv(dir, 'short.csv', [
      HOUSEHOLD_HEADER.slice(1),
      ...householdRows(3).map((r) => r.slice(1)),
    ]);
    const failure = await batches(path).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DomainError);
    expect((failure as DomainError).problems).toEqual([
      {
        file: path,
        field: HOUSEHOLD_HEADER[0],
        reason: `no column "${HOUSEHOLD_HEADER[0]}" in the header row`,
      },
    ]);
  });
});
