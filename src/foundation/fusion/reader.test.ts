import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectFeedFile, openFeedRows } from './reader.ts';

describe('inspectFeedFile', () => {
  it('says which file cannot be read', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'citybrain-reader-'));
    try {
      await expect(inspectFeedFile(dir, 'auto', 'rental.csv')).rejects.toThrow(
        'rental.csv: cannot be read (EISDIR)',
      );
      await expect(inspectFeedFile(join(dir, 'gone.csv'), 'auto', 'gone.csv')).rejects.toThrow(
        'gone.csv: no such file',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('openFeedRows', () => {
  it('says which file cannot be read when reading it fails', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'citybrain-reader-'));
    try {
      // A folder opens, and fails at the first read.
      const file = { path: dir, name: 'rental.csv', sha256: '', bytes: 0, encoding: 'utf-8' as const };
      await expect(openFeedRows(file, { delimiter: ',', skipLines: 0 })).rejects.toThrow(
        'rental.csv: cannot be read (EISDIR)',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
