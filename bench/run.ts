// `npm run bench [-- --scale S] [--seed N] [--no-postgres] [--messy N]`: the foundation's throughput and
// the address matcher's accuracy and speed. Generates the demo district once (cached under .bench/), then
// measures each engine on a fresh database; the matcher runs on the PGlite database the import filled.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEMO_FILES, generateDemo } from '../src/demo/generate.ts';
import { table } from '../src/lib/table.ts';
import { benchAddressImport, type ImportResult } from './address-import.ts';
import { benchAddressMatch } from './address-match.ts';
import { type BenchDb, pgliteBenchDb, postgresBenchDb } from './engines.ts';
import { benchLookups } from './lookups.ts';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '1' },
    seed: { type: 'string', default: '1' },
    'no-postgres': { type: 'boolean', default: false },
    messy: { type: 'string', default: '20000' },
  },
});
const scale = Number(values.scale);
const seed = Number(values.seed);
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const mb = () => `${fmt(process.memoryUsage().rss / 2 ** 20)} MB`;

console.log(`citybrain bench — demo scale ${scale}, seed ${seed}, node ${process.version}\n`);

// 1. Point → grid lookups.
const lookups = benchLookups();
console.log(
  table(
    ['point → grid chain (one core)', 'grids', 'index build', 'lookups', 'lookups/s', 'in a grid', 'target'],
    [
      [
        'Flatbush + point-in-polygon',
        fmt(lookups.grids),
        `${fmt(lookups.buildMs, 1)} ms`,
        fmt(lookups.lookups),
        fmt(lookups.perSecond),
        `${fmt(100 * lookups.hitRate, 1)}%`,
        '≥ 200,000/s',
      ],
    ],
  ),
);

// 2. Address import on each engine.
const demoDir = resolve('.bench', `demo-s${scale}-seed${seed}`);
if (!existsSync(join(demoDir, DEMO_FILES.manifest))) {
  console.error(`generating the demo district into ${demoDir}…`);
  await generateDemo({ seed, scale, outDir: demoDir });
}
const files = { areas: join(demoDir, DEMO_FILES.areas), addresses: join(demoDir, DEMO_FILES.addresses) };

const results: ImportResult[] = [];
let matching = '';
const engines: (() => Promise<BenchDb | null>)[] = [pgliteBenchDb];
if (!values['no-postgres']) engines.push(postgresBenchDb);
for (const open of engines) {
  const bench = await open();
  if (!bench) {
    console.error('\n(no PostgreSQL server answered; its row is skipped)');
    continue;
  }
  try {
    console.error(`importing ${files.addresses} on ${bench.engine}…`);
    results.push(await benchAddressImport(bench, files));
    if (bench.engine === 'pglite') {
      console.error('matching the messy-address set against the imported library…');
      matching = await benchAddressMatch(bench.db, {
        libraryCsv: files.addresses,
        seed,
        count: Number(values.messy),
      });
    }
  } finally {
    await bench.destroy();
  }
}
console.log();
console.log(
  table(
    [
      'address import',
      'rows',
      'import s',
      'rows/s',
      'plain COPY rows/s',
      'import ÷ COPY',
      'read·copy·check·merge ms',
      're-import s',
    ],
    results.map((r) => [
      r.engine,
      fmt(r.rows),
      fmt(r.importSeconds, 1),
      fmt(r.importPerSecond),
      fmt(r.copyPerSecond),
      `${fmt(r.copyPerSecond / r.importPerSecond, 1)}× slower`,
      [r.timingsMs.read, r.timingsMs.copy, r.timingsMs.check, r.timingsMs.merge]
        .map((ms) => fmt(ms))
        .join('·'),
      fmt(r.reimportSeconds, 1),
    ]),
  ),
);
console.log(`\n${matching}`);
console.log(`\nmemory (RSS at the end): ${mb()}`);
