// Matching a stream of lines (the CLI's `address match`): read bytes, split at newlines, decode each
// line on its own (UTF-8, else GB18030, else it is binary), match in chunks and write the answers in
// input order. Large inputs share the work with worker threads, each holding its own copy of the
// index; the main thread keeps matching too, so two cores both work.
import { availableParallelism } from 'node:os';
import { setImmediate } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import type { MatchData, MatchIndex } from './index.ts';
import { type MatchResult, type MatchStatus, matchAddress, unmatched } from './match.ts';

export interface InputLine {
  text: string;
  /** The bytes are no text in any encoding we read. */
  binary: boolean;
}

/** Lines per chunk handed to one thread. */
const CHUNK_LINES = 1_000;
/** Workers start once this many lines have come in and more keep coming. */
export const PARALLEL_AFTER = 20_000;
/** A line longer than this is cut (it is no address anyway): bounds memory on a file without newlines. */
const MAX_LINE_BYTES = 1 << 20;
/** Chunks a worker holds at once. */
const WORKER_QUEUE = 4;
/** Chunks waiting to be written in order, before reading pauses. */
const MAX_QUEUED = 64;

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Lenient = new TextDecoder('utf-8');
const gb18030 = new TextDecoder('gb18030', { fatal: true });
// C0 controls other than tab: real text in a legacy encoding has none.
const CONTROL = /[^\P{Cc}\t]/u;

export function decodeLine(bytes: Uint8Array): InputLine {
  let end = bytes.length;
  if (end > 0 && bytes[end - 1] === 0x0d) end -= 1;
  const body = bytes.subarray(0, end);
  if (body.includes(0)) return { text: utf8Lenient.decode(body), binary: true };
  try {
    return { text: utf8.decode(body).replace(/^\ufeff/, ''), binary: false };
  } catch {
    try {
      const text = gb18030.decode(body);
      return { text, binary: CONTROL.test(text) };
    } catch {
      return { text: utf8Lenient.decode(body), binary: true };
    }
  }
}

/** Byte chunks → decoded lines, in chunks of CHUNK_LINES. A last line without newline counts. */
export async function* readLines(source: AsyncIterable<Uint8Array | string>): AsyncGenerator<InputLine[]> {
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let lines: InputLine[] = [];
  const takeLine = (tail: Uint8Array) => {
    const parts = pendingBytes > 0 ? [...pending, tail] : [tail];
    const bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    pending = [];
    pendingBytes = 0;
    lines.push(decodeLine(bytes.subarray(0, MAX_LINE_BYTES)));
  };
  for await (const piece of source) {
    const chunk = typeof piece === 'string' ? Buffer.from(piece) : piece;
    let start = 0;
    for (let nl = chunk.indexOf(0x0a, start); nl >= 0; nl = chunk.indexOf(0x0a, start)) {
      takeLine(chunk.subarray(start, nl));
      start = nl + 1;
      if (lines.length >= CHUNK_LINES) {
        yield lines;
        lines = [];
      }
    }
    const rest = chunk.subarray(start);
    // Past the cap the rest of an endless line is dropped, not kept.
    if (rest.length > 0 && pendingBytes < MAX_LINE_BYTES) {
      pending.push(rest);
      pendingBytes += rest.length;
    }
  }
  if (pendingBytes > 0) takeLine(new Uint8Array(0));
  if (lines.length > 0) yield lines;
}

export type Counts = Record<MatchStatus, number>;

export function matchLine(index: MatchIndex, line: InputLine): MatchResult {
  return line.binary ? unmatched(line.text, 'binary data, not text') : matchAddress(index, line.text);
}

/** DESIGN.md §4 JSON Lines, or a tab-separated line for people. */
export function formatResult(result: MatchResult, jsonl: boolean): string {
  if (jsonl) return JSON.stringify(result);
  const clean = (text: string) => text.replace(/[\t\r\n]/g, ' ');
  return [
    clean(result.input),
    result.status,
    result.address_id ?? '',
    result.level ?? '',
    result.score.toFixed(2),
    result.grid_id ?? '',
    clean(result.reason ?? ''),
  ].join('\t');
}

// ---- handing the library to a worker ---------------------------------------------------------------

/**
 * MatchData with each column of strings as one string: copying a few long strings to a thread is a
 * memory copy, copying millions of short ones costs seconds at scale 1.
 */
export interface PackedMatchData {
  versions: MatchData['versions'];
  areas: MatchData['areas'];
  aliases: MatchData['aliases'];
  buildings: Record<Exclude<keyof MatchData['buildings'], 'aliases'>, PackedColumn> & { aliases: string };
  rooms: Record<Exclude<keyof MatchData['rooms'], 'building'>, PackedColumn> & { building: Int32Array };
}

interface PackedColumn {
  length: number;
  text: string;
}

const SEPARATOR = '\u0000';
const NULL = '\u0001';

function pack(column: readonly (string | null)[]): PackedColumn {
  return { length: column.length, text: column.map((v) => (v === null ? NULL : v)).join(SEPARATOR) };
}

function unpack(column: PackedColumn): (string | null)[] {
  if (column.length === 0) return [];
  const values: (string | null)[] = column.text.split(SEPARATOR);
  for (let i = 0; i < values.length; i++) if (values[i] === NULL) values[i] = null;
  return values;
}

export function packMatchData(data: MatchData): PackedMatchData {
  const b = data.buildings;
  const r = data.rooms;
  return {
    versions: data.versions,
    areas: data.areas,
    aliases: data.aliases,
    buildings: {
      id: pack(b.id),
      road: pack(b.road),
      roadNo: pack(b.roadNo),
      estate: pack(b.estate),
      building: pack(b.building),
      aliases: JSON.stringify(b.aliases),
      gridId: pack(b.gridId),
      communityId: pack(b.communityId),
      subdistrictId: pack(b.subdistrictId),
    },
    rooms: {
      id: pack(r.id),
      building: r.building,
      entrance: pack(r.entrance),
      floor: pack(r.floor),
      room: pack(r.room),
    },
  };
}

export function unpackMatchData(packed: PackedMatchData): MatchData {
  const b = packed.buildings;
  const r = packed.rooms;
  const strings = (column: PackedColumn) => unpack(column) as string[];
  return {
    versions: packed.versions,
    areas: packed.areas,
    aliases: packed.aliases,
    buildings: {
      id: strings(b.id),
      road: unpack(b.road),
      roadNo: unpack(b.roadNo),
      estate: unpack(b.estate),
      building: unpack(b.building),
      aliases: JSON.parse(b.aliases) as string[][],
      gridId: strings(b.gridId),
      communityId: unpack(b.communityId),
      subdistrictId: unpack(b.subdistrictId),
    },
    rooms: {
      id: strings(r.id),
      building: r.building,
      entrance: unpack(r.entrance),
      floor: unpack(r.floor),
      room: unpack(r.room),
    },
  };
}

export interface ChunkOutput {
  text: string;
  counts: Counts;
}

export function matchChunk(index: MatchIndex, lines: readonly InputLine[], jsonl: boolean): ChunkOutput {
  const counts: Counts = { matched: 0, ambiguous: 0, unmatched: 0 };
  let text = '';
  for (const line of lines) {
    const result = matchLine(index, line);
    counts[result.status] += 1;
    text += `${formatResult(result, jsonl)}\n`;
  }
  return { text, counts };
}

export interface BatchOptions {
  jsonl: boolean;
  /** Worker threads to add for a large input (0: the main thread alone). */
  workers: number;
  /** The data the index was built from, copied to each worker. */
  data: MatchData;
  onLines?: (count: number) => void;
}

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism() - 1);
}

/** Matches every line of `source` and hands the output to `write`, in input order. */
export async function matchStream(
  index: MatchIndex,
  source: AsyncIterable<InputLine[]>,
  write: (text: string) => Promise<void>,
  options: BatchOptions,
): Promise<Counts> {
  const counts: Counts = { matched: 0, ambiguous: 0, unmatched: 0 };
  const queue: { done: boolean; output: Promise<ChunkOutput> }[] = [];
  const flush = async (all: boolean) => {
    while (queue.length > 0 && (all || queue[0]!.done || queue.length > MAX_QUEUED)) {
      const { text, counts: c } = await queue.shift()!.output;
      counts.matched += c.matched;
      counts.ambiguous += c.ambiguous;
      counts.unmatched += c.unmatched;
      await write(text);
    }
  };
  let workers: MatchWorker[] = [];
  let seen = 0;
  try {
    for await (const lines of source) {
      seen += lines.length;
      if (workers.length === 0 && options.workers > 0 && seen >= PARALLEL_AFTER)
        workers = Array.from({ length: options.workers }, () => startWorker(options.data, options.jsonl));
      // A worker takes a chunk while it has fewer than WORKER_QUEUE; otherwise the main thread
      // matches it now. Queued chunks keep the worker busy while the main thread is matching.
      const worker = workers.find((w) => w.inFlight < WORKER_QUEUE);
      if (worker) {
        const entry = { done: false, output: worker.run(lines) };
        entry.output.then(
          () => {
            entry.done = true;
          },
          () => {},
        );
        queue.push(entry);
      } else {
        queue.push({ done: true, output: Promise.resolve(matchChunk(index, lines, options.jsonl)) });
        // Let the workers' answers in (events wait while this thread matches), so they get more.
        if (workers.length > 0) await setImmediate();
      }
      options.onLines?.(lines.length);
      await flush(false);
    }
    await flush(true);
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
  return counts;
}

interface MatchWorker {
  inFlight: number;
  run(lines: InputLine[]): Promise<ChunkOutput>;
  stop(): Promise<void>;
}

// The worker is TypeScript: a small script registers tsx in the new thread, then loads it.
const TSX_API = import.meta.resolve('tsx/esm/api');
const WORKER_MODULE = new URL('./worker.ts', import.meta.url).href;
const BOOTSTRAP = `import(${JSON.stringify(TSX_API)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_MODULE)}); });`;

function startWorker(data: MatchData, jsonl: boolean): MatchWorker {
  const thread = new Worker(BOOTSTRAP, { eval: true, workerData: { data: packMatchData(data), jsonl } });
  const waiting = new Map<number, { resolve: (o: ChunkOutput) => void; reject: (e: Error) => void }>();
  let next = 0;
  let failure: Error | undefined;
  const fail = (error: Error) => {
    failure = error;
    for (const w of waiting.values()) w.reject(error);
    waiting.clear();
  };
  thread.on('message', (message: { id: number } & ChunkOutput) => {
    const w = waiting.get(message.id);
    waiting.delete(message.id);
    worker.inFlight -= 1;
    w?.resolve({ text: message.text, counts: message.counts });
  });
  thread.on('error', fail);
  thread.on('exit', (code) => {
    if (waiting.size > 0) fail(new Error(`a matching worker stopped (exit code ${code})`));
  });
  const worker: MatchWorker = {
    inFlight: 0,
    run(lines) {
      if (failure) return Promise.reject(failure);
      const id = next++;
      worker.inFlight += 1;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        thread.postMessage({ id, lines });
      });
    },
    async stop() {
      await thread.terminate();
    },
  };
  return worker;
}
