// A matching thread for batch mode (batch.ts): builds its own index from the data it was handed,
// then answers chunks of lines with their formatted results.
import { parentPort, workerData } from 'node:worker_threads';
import { type InputLine, matchChunk } from './batch.ts';
import { indexFromData, type MatchData } from './index.ts';

const { data, jsonl } = workerData as { data: MatchData; jsonl: boolean };
const index = indexFromData(data);

parentPort!.on('message', (message: { id: number; lines: InputLine[] }) => {
  parentPort!.postMessage({ id: message.id, ...matchChunk(index, message.lines, jsonl) });
});
