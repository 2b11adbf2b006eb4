#!/usr/bin/env -S node --max-semi-space-size=128
// Runs the TypeScript CLI through tsx, so a checkout needs no build step. A larger young generation
// (semi-space 64 MB) cut garbage collection in a feed ingest from 15% to 10% of the time; 128 MB,
// once COPY lines stopped living on the heap (db/copy-lines.ts), cut the young generation's
// collections in the first two scale-1 files from 12 to 5 s. How far the old generation grows
// depends on the database and is set when it is opened (db/db.ts).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
