import { mkdtempSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateMessyAddresses } from './generate.ts';
import { fixtureLibraryCsv } from './testing.ts';
import { readMessySet, writeMessySet } from './write.ts';

describe('writeMessySet', () => {
  it('writes the set as JSON Lines, one record per line, and reads it back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'messy-'));
    const library = join(dir, 'addresses.csv');
    const out = join(dir, 'messy.jsonl');
    writeFileSync(library, `\uFEFF${fixtureLibraryCsv()}`);
    const summary = await writeMessySet(library, out, { seed: 3, count: 200 });
    expect(summary.records).toBe(200);
    expect(summary.variations['very-long']).toBeGreaterThan(0);
    const lines = (await readFile(out, 'utf8')).split('\n');
    expect(lines).toHaveLength(201);
    expect(lines[200]).toBe('');
    const expected = generateMessyAddresses({ libraryCsv: fixtureLibraryCsv(), seed: 3, count: 200 });
    expect(await readMessySet(out)).toEqual(expected);
  });
});
