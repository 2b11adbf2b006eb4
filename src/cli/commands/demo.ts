import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { openDb, pgliteDir } from '../../db/db.ts';
import type { FeedsManifest } from '../../demo/feeds/generate.ts';
import { ingestDemoFeeds } from '../../demo/feeds/ingest.ts';
import { DEMO_FILES, generateDemo } from '../../demo/generate.ts';
import { buildDemoDistrict, MAX_SCALE } from '../../demo/model.ts';
import { HISTORY_FILES, writeHistory } from '../../demo/requests/write.ts';
import { type Ctx, systemCtx } from '../../foundation/access/context.ts';
import { createToken, createUser } from '../../foundation/access/users.ts';
import { importAddresses } from '../../foundation/address/import.ts';
import { importAreas } from '../../foundation/areas/import.ts';
import type { IngestSummary } from '../../foundation/fusion/ingest.ts';
import { describeImport } from '../../foundation/imports/runs.ts';
import { generateHandlingZones } from '../../governance/agencies/agencies.ts';
import { CLASSIFIER_ACTOR, classifyTriage, trainFromHistory } from '../../governance/classifier/triage.ts';
import { importServiceRequests } from '../../governance/requests/import.ts';
import { DomainError, formatProblem, invalidInput } from '../../lib/errors.ts';
import { type Progress, progress, step } from '../../lib/progress.ts';
import { serve } from '../../server/serve.ts';
import { type DataOptions, dataDirOf, describeDb, intOption, withDataDir } from '../options.ts';
import { describeMetrics } from './classifier.ts';

/**
 * About 200 grids, 60,000 rooms, 150,000 residents and 530,000 feed rows: areas and addresses take
 * 10–15 s on a fresh PGlite folder, the feeds about two minutes, the year of requests seconds —
 * a first look within a few minutes; `--scale 1` is the real district (see the bench for its time).
 */
const DEFAULT_SCALE = 0.1;
const DEMO_ADMIN = 'demo-admin';

interface DemoCommandOptions extends DataOptions {
  scale: number;
  seed: number;
  out?: string;
  serve: boolean;
  port: number;
}

function scaleOption(value: string): number {
  const scale = Number(value);
  if (!(scale > 0 && scale <= MAX_SCALE))
    throw invalidInput(`--scale must be in (0, ${MAX_SCALE}], got "${value}"`);
  return scale;
}

export function registerDemo(program: Command): void {
  withDataDir(program.command('demo'))
    .description(
      'generate the Futian-like demo district, import it through the normal importers, and serve it',
    )
    .option(
      '--scale <s>',
      '1 = the real district (~1,990 grids, ~600,000 rooms); another scale wants a fresh --data-dir',
      scaleOption,
      DEFAULT_SCALE,
    )
    .option('--seed <n>', 'random seed: the same seed and scale give the same files', intOption('--seed'), 1)
    .option('--out <dir>', 'folder for the generated files (default <data-dir>/demo)')
    .option('--no-serve', 'stop after importing')
    .option('--port <n>', 'port to listen on', intOption('--port'), 8080)
    .action(async (options: DemoCommandOptions) => {
      const dataDir = dataDirOf(options);
      const outDir = resolve(options.out ?? join(dataDir, 'demo'));
      const { scale, seed } = options;
      await refuseOtherDemo(join(outDir, DEMO_FILES.manifest), { scale, seed });
      const manifest = await step(
        `generating the demo district (scale ${scale}, seed ${seed}) in ${outDir}`,
        () => generateDemo({ seed, scale, outDir }),
      );
      const c = manifest.counts;
      console.error(
        `  ${c.areas.subdistrict} subdistricts, ${c.areas.community} communities, ${c.areas.grid} grids, ` +
          `${c.buildings.toLocaleString('en')} buildings, ${c.rooms.toLocaleString('en')} rooms`,
      );

      const db = await step(`opening the database (${describeDb(options)})`, () =>
        openDb({ databaseUrl: process.env.DATABASE_URL, dataDir: pgliteDir(dataDir) }),
      );
      let serving = false;
      try {
        const ctx = systemCtx(db);
        const areas = await step('importing areas', () => importAreas(ctx, join(outDir, DEMO_FILES.areas)));
        console.error(`  ${describeImport(areas)}`);
        if (areas.status !== 'succeeded')
          throw invalidInput('the demo areas were not imported', areas.problems.slice(0, 20));

        const addresses = await step('importing addresses', async () => {
          const bar = progress('  reading rows', c.addressRows);
          let seen = 0;
          return importAddresses(ctx, join(outDir, DEMO_FILES.addresses), {
            onProgress: (rows) => {
              bar.tick(rows - seen);
              seen = rows;
            },
            onPhase: (phase) => {
              if (phase === 'reading') return;
              if (phase === 'checking') bar.done();
              console.error(`  ${phase}…`);
            },
          });
        });
        console.error(`  ${describeImport(addresses)}`);
        const rejected = addresses.problems.filter((p) => p.severity === 'error');
        for (const problem of rejected.slice(0, 10)) console.error(`    ${formatProblem(problem)}`);
        console.error(
          `  ${addresses.rejected} rows rejected; ${c.plantedAddressErrors} bad rows were planted (${DEMO_FILES.addressErrors})`,
        );

        const feeds = await step(
          `ingesting the departments' feeds (${manifest.feeds.files.length} files, ${manifest.feeds.rows.toLocaleString('en')} rows)`,
          () => ingestFeeds(ctx, outDir, manifest.feeds),
        );
        console.error(`  ${describeFeeds(feeds)}`);

        const history = await step(
          "writing a year of service requests (the old complaint system's export)",
          () =>
            writeHistory(buildDemoDistrict({ seed, scale }), {
              requests: join(outDir, HISTORY_FILES.requests),
              unclassified: join(outDir, HISTORY_FILES.unclassified),
            }),
        );
        console.error(
          `  ${history.requests.toLocaleString('en')} requests in ${HISTORY_FILES.requests}, ${history.unclassified} hotline calls without a category`,
        );

        const zones = await step("cutting the departments' handling zones from the area tree", () =>
          generateHandlingZones(ctx),
        );
        console.error(`  ${zones.reduce((n, z) => n + z.zones, 0)} zones for ${zones.length} departments`);

        const requests = await step('importing the year of service requests', async () => {
          const bar = progress('  reading records', history.requests);
          let seen = 0;
          return importServiceRequests(ctx, join(outDir, HISTORY_FILES.requests), {
            onProgress: (records) => {
              bar.tick(records - seen);
              seen = records;
            },
            onPhase: () => {
              bar.done();
              console.error('  writing requests, work orders, history and visits…');
            },
          });
        });
        console.error(`  ${describeImport(requests)}`);
        for (const problem of requests.problems.slice(0, 10)) console.error(`    ${formatProblem(problem)}`);

        const trained = await step('training the request classifier on the history', () =>
          trainFromHistory(ctx),
        );
        for (const line of describeMetrics(trained.metrics).split('\n')) console.error(`  ${line}`);
        const triage = await step('classifying the hotline calls waiting in triage', () =>
          classifyTriage({ db, actor: CLASSIFIER_ACTOR }, { limit: history.unclassified }),
        );
        console.error(
          `  ${triage.applied} categorised and dispatched, ${triage.queued} left in the operators' triage queue`,
        );

        const token = await step(`creating a token for ${DEMO_ADMIN}`, () => demoAdminToken(ctx));
        console.error(`API token for ${DEMO_ADMIN} (shown once):`);
        console.log(token);
        if (!options.serve) return;
        await serve({ db, port: options.port });
        serving = true;
        const url = `http://127.0.0.1:${options.port}`;
        console.error(`try: curl -H "Authorization: Bearer ${token}" ${url}/api/me`);
      } finally {
        if (!serving) await db.close();
      }
    });
}

/**
 * Imports add and update but never delete, so a demo of another scale or seed on top of an
 * earlier one would leave the earlier grids behind: refuse, and say what to do instead.
 */
async function refuseOtherDemo(manifestPath: string, wanted: { scale: number; seed: number }): Promise<void> {
  let previous: { scale: number; seed: number };
  try {
    previous = JSON.parse(await readFile(manifestPath, 'utf8'));
  } catch {
    return;
  }
  if (previous.scale === wanted.scale && previous.seed === wanted.seed) return;
  throw invalidInput(
    `this data folder holds the demo at scale ${previous.scale}, seed ${previous.seed}; ` +
      `use a fresh --data-dir for scale ${wanted.scale}, seed ${wanted.seed}`,
  );
}

/** Every feed through the normal ingest, with a progress line per file. */
async function ingestFeeds(ctx: Ctx, outDir: string, feeds: FeedsManifest): Promise<IngestSummary[]> {
  let bar: Progress | null = null;
  let seen = 0;
  return ingestDemoFeeds(ctx, outDir, feeds, {
    onFile: (file, i, of) => {
      bar = progress(`  [${i + 1}/${of}] ${file.file}`, file.rows);
      seen = 0;
    },
    onProgress: (rows) => {
      bar?.tick(rows - seen);
      seen = rows;
    },
    onPhase: (phase) => {
      if (phase === 'merging') bar?.done();
    },
    onDone: (_file, summary) => {
      if (summary.alreadyIngested) bar?.done('(ingested before)');
    },
  });
}

function describeFeeds(summaries: readonly IngestSummary[]): string {
  const sum = (f: (s: IngestSummary) => number) =>
    summaries.reduce((n, s) => n + f(s), 0).toLocaleString('en');
  return (
    `${sum((s) => s.total)} rows, ${sum((s) => s.rejected)} rejected, ${sum((s) => s.warnings)} warnings; ` +
    `registry: ${sum((s) => s.registry.inserted)} entities added, ${sum((s) => s.registry.updated)} updated; ` +
    `${sum((s) => s.links.review)} links and ${sum((s) => s.addresses.review)} addresses wait for review ` +
    '(citybrain quality, citybrain registry reviews)'
  );
}

/** The demo's administrator (created on the first run) and a fresh token for it. */
async function demoAdminToken(ctx: Ctx): Promise<string> {
  try {
    await createUser(ctx, {
      username: DEMO_ADMIN,
      displayName: '演示管理员 demo administrator',
      role: 'admin',
      scope: { kind: 'district', id: '*' },
    });
  } catch (error) {
    if (!(error instanceof DomainError && error.code === 'conflict')) throw error;
  }
  return (await createToken(ctx, { username: DEMO_ADMIN, name: 'demo' })).token;
}
