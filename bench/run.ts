// `npm run bench [-- --scale S] [--seed N] [--no-postgres] [--no-pglite] [--no-fusion] [--no-governance] [--only open311|fusion] [--messy N]`:
// the foundation's throughput, the address matcher's accuracy and speed, feed ingest and linking, and
// governance. Generates the demo district once (cached under .bench/), then measures each engine on a
// fresh database; the matcher runs on the PGlite database the import filled.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEMO_FILES, type DemoManifest, generateDemo } from '../src/demo/generate.ts';
import { fmt, table } from '../src/lib/table.ts';
import { benchAddressImport, type ImportResult } from './address-import.ts';
import { benchAddressMatch } from './address-match.ts';
import { type BenchDb, POSTGRES_URL, pgliteBenchDb, postgresBenchDb } from './engines.ts';
import { benchFusion, fusionTables } from './fusion.ts';
import { benchAreasFile, benchClassifier, benchOpen311, open311Tables } from './governance.ts';
import { benchLookups } from './lookups.ts';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '1' },
    seed: { type: 'string', default: '1' },
    'no-postgres': { type: 'boolean', default: false },
    'no-pglite': { type: 'boolean', default: false },
    'no-governance': { type: 'boolean', default: false },
    'no-fusion': { type: 'boolean', default: false },
    'load-seconds': { type: 'string', default: '20' },
    'load-rate': { type: 'string', default: '500' },
    messy: { type: 'string', default: '20000' },
    only: { type: 'string' },
  },
});
// `--only open311`: the Open311 load and durability rows alone; `--only fusion`: the feed ingest alone.
const only = values.only;
if (only === 'open311') {
  await (await import('./governance.ts')).benchOpen311Only(values);
  process.exit(0);
} else if (only !== undefined && only !== 'fusion')
  throw new Error(`--only ${only}: open311 and fusion are known`);
const scale = Number(values.scale);
const seed = Number(values.seed);
const mb = () => `${fmt(process.memoryUsage().rss / 2 ** 20)} MB`;

console.log(`citybrain bench — demo scale ${scale}, seed ${seed}, node ${process.version}\n`);

// 1. Point → grid lookups.
if (!only) {
  const lookups = benchLookups();
  console.log(
    table(
      [
        'point → grid chain (one core)',
        'grids',
        'index build',
        'lookups',
        'lookups/s',
        'in a grid',
        'target',
      ],
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
}

// 2. Address import on each engine.
const demoDir = resolve('.bench', `demo-s${scale}-seed${seed}`);
if (!existsSync(join(demoDir, DEMO_FILES.manifest))) {
  console.error(`generating the demo district into ${demoDir}…`);
  await generateDemo({ seed, scale, outDir: demoDir });
}
const files = { areas: join(demoDir, DEMO_FILES.areas), addresses: join(demoDir, DEMO_FILES.addresses) };

const engines: (() => Promise<BenchDb | null>)[] = [];
if (!values['no-pglite']) engines.push(pgliteBenchDb);
if (!values['no-postgres']) engines.push(postgresBenchDb);
if (!only) {
  const results: ImportResult[] = [];
  let matching = '';
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
}

// 3. Department feeds into the registries on each engine (`--no-fusion` skips it).
if (!values['no-fusion']) {
  const manifest: DemoManifest = JSON.parse(readFileSync(join(demoDir, DEMO_FILES.manifest), 'utf8'));
  for (const open of engines) {
    const bench = await open();
    if (!bench) continue;
    try {
      console.error(`\ningesting ${fmt(manifest.feeds.rows)} feed rows on ${bench.engine}…`);
      const result = await benchFusion(bench, demoDir, manifest.feeds);
      const ingestMinutes = bench.engine === 'pglite' ? 15 : 8;
      for (const t of fusionTables(result, { ingestMinutes })) console.log(`\n${t}`);
    } finally {
      await bench.destroy();
    }
  }
}

// 4. Governance (`--no-governance` skips it): the classifier, then Open311 load and durability.
if (!values['no-governance'] && !only) {
  console.error('\ngenerating the year of service requests and training the classifier…');
  const c = benchClassifier(seed, scale);
  const m = c.metrics;
  const pct = (x: number) => `${fmt(100 * x, 1)}%`;
  console.log();
  console.log(
    table(
      [
        'classifier (held-out test split)',
        'requests',
        'generate s',
        'train s',
        'categories',
        'accuracy',
        'top 3',
        'auto-applied',
        'auto accuracy',
      ],
      [
        [
          'naive Bayes, words + bigrams',
          fmt(c.requests),
          fmt(c.generateSeconds, 1),
          fmt(c.trainSeconds, 1),
          fmt(m.classes),
          pct(m.accuracy),
          pct(m.top3Accuracy),
          pct(m.autoShare),
          pct(m.autoAccuracy),
        ],
      ],
    ),
  );
  if (values['no-postgres'])
    console.error('\n(--no-postgres: the Open311 load and durability rows are skipped)');
  else {
    console.error('\nOpen311 load on PostgreSQL (a `citybrain serve` process on loopback)…');
    const seconds = Number(values['load-seconds']);
    const rate = Number(values['load-rate']);
    const { load, durability } = await benchOpen311({
      serverUrl: POSTGRES_URL,
      areasFile: benchAreasFile(demoDir),
      seed,
      scale,
      seconds,
      postsPerSecond: rate,
    });
    console.log(`\n${open311Tables(load, durability, rate)}`);
  }
}
