import type { Command } from 'commander';
import { systemCtx } from '../../foundation/access/context.ts';
import { loadClassifier } from '../../governance/classifier/store.ts';
import type { ClassifierMetrics } from '../../governance/classifier/train.ts';
import { CLASSIFIER_ACTOR, classifyTriage, trainFromHistory } from '../../governance/classifier/triage.ts';
import { type DataOptions, withDataDir, withDb } from '../options.ts';

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

export function describeMetrics(m: ClassifierMetrics): string {
  return [
    `${m.classes} categories, ${m.trainSamples.toLocaleString('en')} training / ${m.validationSamples.toLocaleString('en')} validation / ${m.testSamples.toLocaleString('en')} test requests, ${m.features.toLocaleString('en')} features`,
    `held-out accuracy ${pct(m.accuracy)} (top 3: ${pct(m.top3Accuracy)}); confidence ≥ ${m.threshold.toFixed(3)} applies the category: ${pct(m.autoShare)} of requests, ${pct(m.autoAccuracy)} of them right`,
  ].join('\n');
}

/** `citybrain classifier train|apply|show`: the model that categorises reports that come without one. */
export function registerClassifier(program: Command): void {
  const classifier = program
    .command('classifier')
    .description('the category classifier for reports without a category');

  withDataDir(classifier.command('train'))
    .description(
      'train on the categorised requests in the database, store the model, then classify the triage queue',
    )
    .option('--target-precision <p>', 'apply a category without an operator only this precise (0-1)', '0.98')
    .action(async (options: DataOptions & { targetPrecision: string }) => {
      await withDb(options, async (db) => {
        const trained = await trainFromHistory(systemCtx(db), {
          targetPrecision: Number(options.targetPrecision),
        });
        console.log(`model #${trained.modelId} trained in ${trained.seconds.toFixed(1)}s`);
        console.log(describeMetrics(trained.metrics));
        const pass = await classifyTriage({ db, actor: CLASSIFIER_ACTOR });
        console.log(
          `triage queue: ${pass.scored} scored, ${pass.applied} categorised, ${pass.queued} left for an operator`,
        );
      });
    });

  withDataDir(classifier.command('apply'))
    .description('classify the requests waiting in triage with the newest model')
    .action(async (options: DataOptions) => {
      await withDb(options, async (db) => {
        const pass = await classifyTriage({ db, actor: CLASSIFIER_ACTOR }, { limit: 100_000 });
        if (!pass.modelId) throw new Error('no model yet: run `citybrain classifier train` first');
        console.log(
          `model #${pass.modelId}: ${pass.scored} scored, ${pass.applied} categorised, ${pass.queued} left for an operator`,
        );
      });
    });

  withDataDir(classifier.command('show'))
    .description('the model in use and how well it did on held-out requests')
    .action(async (options: DataOptions) => {
      await withDb(options, async (db) => {
        const model = await loadClassifier(db);
        if (!model) throw new Error('no model yet: run `citybrain classifier train` first');
        console.log(`model #${model.id}, trained ${model.trainedAt}`);
        console.log(describeMetrics(model.metrics));
      });
    });
}
