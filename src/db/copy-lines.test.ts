import { describe, expect, it } from 'vitest';
import { CopyLines } from './copy-lines.ts';

describe('CopyLines', () => {
  it('holds the lines as UTF-8, growing past its first room, and starts afresh once taken', () => {
    const lines = new CopyLines(8);
    const written = ['1\t福田区\n', '2\t沙头街道 🏙\n', `3\t${'x'.repeat(100)}\n`];
    for (const line of written) lines.push(line);
    expect(lines.lines).toBe(3);
    expect(Buffer.from(lines.take()).toString('utf8')).toBe(written.join(''));
    expect(lines.lines).toBe(0);
    expect(lines.take().byteLength).toBe(0);
    lines.push('4\tagain\n');
    expect(Buffer.from(lines.take()).toString('utf8')).toBe('4\tagain\n');
  });
});
