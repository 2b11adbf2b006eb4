// A matching thread for batch mode (batch.ts): builds its own index from the data it was handed,
// then answers chunks of lines with their formatted results.
import { parentPort, workerData } from 'node:worker_threads';
import { type InputLine, matchChunk, type PackedMatchData, unpackMatchData } from './batch.ts';
import { indexFromData } from './index.ts';

const { data, jsonl } = workerData as { data: PackedMatchData; jsonl: boolean };
const index = indexFromData(unpackMatchData(data));

parentPort!.on('message', (message: { id: number; lines: InputLine[] }) => {
  parentPort!.postMessage({ id: message.id, ...matchChunk(index, message.lines, jsonl) });
});
