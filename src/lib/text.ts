// Reading text files as departments deliver them: UTF-8 with or without a BOM, or GBK/GB18030.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { invalidInput } from './errors.ts';

export type TextEncoding = 'utf-8' | 'gb18030';

export interface DecodedText {
  text: string;
  encoding: TextEncoding;
  sha256: string;
  bytes: number;
}

/** Decodes bytes: a UTF-8 BOM or valid UTF-8 means UTF-8; anything else is read as GB18030 (a superset of GBK). */
export function decodeText(bytes: Uint8Array, fileName = 'input'): DecodedText {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const hasBom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = hasBom ? bytes.subarray(3) : bytes;
  if (body.includes(0)) throw invalidInput(`${fileName} is not a text file (it contains NUL bytes)`);
  try {
    return {
      text: new TextDecoder('utf-8', { fatal: true }).decode(body),
      encoding: 'utf-8',
      sha256,
      bytes: bytes.length,
    };
  } catch {
    return {
      text: new TextDecoder('gb18030').decode(body),
      encoding: 'gb18030',
      sha256,
      bytes: bytes.length,
    };
  }
}

export async function readTextFile(path: string): Promise<DecodedText> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw invalidInput(
      code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot be read (${code ?? error})`,
    );
  }
  return decodeText(bytes, path);
}
