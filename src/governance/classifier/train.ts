// Training and scoring, pure: a stable three-way split by sample id (train / validation / test), counts
// on train, smoothing + temperature + auto-accept threshold chosen on validation, accuracy reported on
// test, which nothing was fitted on.
import { createHash } from 'node:crypto';
import {
  countFeatures,
  fitNaiveBayes,
  fitTemperature,
  type LabelledFeatures,
  type NaiveBayesModel,
  predict,
} from './naive-bayes.ts';
import { textFeatures } from './segment.ts';

export interface TrainingSample {
  /** Stable id (the request id): decides the split, so retraining on the same data splits alike. */
  id: string;
  text: string;
  label: string;
}

export interface TrainOptions {
  /** Auto-accept a prediction only when the validation precision above the threshold reaches this. */
  targetPrecision?: number;
  /** Share of samples held out for validation and for test, each. */
  heldOutShare?: number;
  alphas?: readonly number[];
}

export interface ClassifierMetrics {
  classes: number;
  trainSamples: number;
  validationSamples: number;
  testSamples: number;
  features: number;
  alpha: number;
  temperature: number;
  /** Confidence at or above which a prediction is accepted without an operator. */
  threshold: number;
  /** On the test split: the top class is right. */
  accuracy: number;
  /** On the test split: the right class is among the best three (what the triage queue suggests). */
  top3Accuracy: number;
  /** On the test split: share of samples at or above the threshold, and accuracy among them. */
  autoShare: number;
  autoAccuracy: number;
}

export interface TrainedClassifier {
  model: NaiveBayesModel;
  metrics: ClassifierMetrics;
}

type Split = 'train' | 'validation' | 'test';

export function splitOf(id: string, heldOutShare: number): Split {
  const x = createHash('sha1').update(id).digest().readUInt32BE(0) / 2 ** 32;
  if (x < heldOutShare) return 'validation';
  if (x < 2 * heldOutShare) return 'test';
  return 'train';
}

export function trainClassifier(
  samples: readonly TrainingSample[],
  options: TrainOptions = {},
): TrainedClassifier {
  const { targetPrecision = 0.98, heldOutShare = 0.1, alphas = [0.02, 0.1, 0.5] } = options;
  const classes = [...new Set(samples.map((s) => s.label))].sort();
  if (classes.length < 2) throw new Error('training needs at least two categories');
  const parts: Record<Split, TrainingSample[]> = { train: [], validation: [], test: [] };
  for (const s of samples) parts[splitOf(s.id, heldOutShare)].push(s);
  if (parts.validation.length === 0 || parts.test.length === 0)
    throw new Error(`too few samples (${samples.length}) to hold out validation and test sets`);

  // Train features are counted as they are cut, never kept: at scale 1 that is ~30 million strings.
  const counts = countFeatures(
    (function* () {
      for (const s of parts.train) yield { features: textFeatures(s.text), label: s.label };
    })(),
    classes,
  );
  const featurise = (list: TrainingSample[]): LabelledFeatures[] =>
    list.map((s) => ({ features: textFeatures(s.text), label: s.label }));
  const validation = featurise(parts.validation);
  const test = featurise(parts.test);

  let model: NaiveBayesModel | undefined;
  let bestAccuracy = -1;
  for (const alpha of alphas) {
    const candidate = fitNaiveBayes(counts, { alpha });
    const accuracy = evaluate(candidate, validation, 0).accuracy;
    if (accuracy > bestAccuracy) {
      bestAccuracy = accuracy;
      model = candidate;
    }
  }
  model = model!;
  model.temperature = fitTemperature(model, validation);
  const threshold = chooseThreshold(model, validation, targetPrecision);
  const scored = evaluate(model, test, threshold);
  return {
    model,
    metrics: {
      classes: classes.length,
      trainSamples: parts.train.length,
      validationSamples: validation.length,
      testSamples: test.length,
      features: model.features.size,
      alpha: model.alpha,
      temperature: model.temperature,
      threshold,
      ...scored,
    },
  };
}

export function evaluate(
  model: NaiveBayesModel,
  samples: readonly LabelledFeatures[],
  threshold: number,
): Pick<ClassifierMetrics, 'accuracy' | 'top3Accuracy' | 'autoShare' | 'autoAccuracy'> {
  let right = 0;
  let top3 = 0;
  let auto = 0;
  let autoRight = 0;
  for (const s of samples) {
    const p = predict(model, s.features);
    const ok = p.label === s.label;
    if (ok) right++;
    if (p.ranked.some((r) => r.label === s.label)) top3++;
    if (p.confidence >= threshold) {
      auto++;
      if (ok) autoRight++;
    }
  }
  const n = Math.max(samples.length, 1);
  return {
    accuracy: right / n,
    top3Accuracy: top3 / n,
    autoShare: auto / n,
    autoAccuracy: auto ? autoRight / auto : 0,
  };
}

/** The lowest confidence cut whose accepted predictions reach the target precision on validation. */
function chooseThreshold(
  model: NaiveBayesModel,
  validation: readonly LabelledFeatures[],
  targetPrecision: number,
): number {
  const predictions = validation
    .map((s) => {
      const p = predict(model, s.features, 1);
      return { confidence: p.confidence, ok: p.label === s.label };
    })
    .sort((a, b) => b.confidence - a.confidence);
  // Walk from the most confident down; remember the last cut where precision still met the target.
  let right = 0;
  let threshold = 1;
  predictions.forEach((p, i) => {
    if (p.ok) right++;
    const next = predictions[i + 1];
    if (next && next.confidence === p.confidence) return;
    if (right / (i + 1) >= targetPrecision) threshold = p.confidence;
  });
  return threshold;
}
