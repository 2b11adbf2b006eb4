// Multinomial naive Bayes over word + bigram features, in plain TypeScript: counts are summed once,
// the smoothing (alpha) and the softmax temperature that turns scores into an honest confidence are
// chosen on a validation split, and the model packs into one compact binary for a database row.
import { gunzipSync, gzipSync } from 'node:zlib';

export interface LabelledFeatures {
  features: readonly string[];
  label: string;
}

/** Feature counts per class, summed over training samples. */
export interface Counts {
  classes: string[];
  /** Per feature, its count in each class (indexed like `classes`). */
  byFeature: Map<string, Float32Array>;
  /** Training samples per class. */
  samples: Float64Array;
}

export interface NaiveBayesModel {
  classes: string[];
  /** Feature → its row in `logLikelihoods`. */
  features: Map<string, number>;
  logPriors: Float32Array;
  /** Row-major: feature rows × class columns, log P(feature | class). */
  logLikelihoods: Float32Array;
  alpha: number;
  /** Scores are divided by this before the softmax: naive Bayes alone is far too sure of itself. */
  temperature: number;
}

export interface Prediction {
  label: string;
  confidence: number;
  /** The best few classes with their probabilities, best first. */
  ranked: { label: string; probability: number }[];
}

export function countFeatures(samples: Iterable<LabelledFeatures>, classes: readonly string[]): Counts {
  const classIndex = new Map(classes.map((c, i) => [c, i]));
  const byFeature = new Map<string, Float32Array>();
  const perClass = new Float64Array(classes.length);
  for (const sample of samples) {
    const c = classIndex.get(sample.label);
    if (c === undefined) throw new Error(`label ${sample.label} is not among the classes`);
    perClass[c]! += 1;
    for (const feature of sample.features) {
      let row = byFeature.get(feature);
      if (!row) {
        row = new Float32Array(classes.length);
        byFeature.set(feature, row);
      }
      row[c]! += 1;
    }
  }
  return { classes: [...classes], byFeature, samples: perClass };
}

/** A model from counts: features seen fewer than `minCount` times are dropped (mostly noise). */
export function fitNaiveBayes(
  counts: Counts,
  options: { alpha: number; minCount?: number },
): NaiveBayesModel {
  const { alpha, minCount = 2 } = options;
  const C = counts.classes.length;
  const kept: [string, Float32Array][] = [];
  for (const entry of counts.byFeature) {
    let total = 0;
    for (let c = 0; c < C; c++) total += entry[1][c]!;
    if (total >= minCount) kept.push(entry);
  }
  const V = kept.length;
  const perClassTotal = new Float64Array(C);
  for (const [, row] of kept) for (let c = 0; c < C; c++) perClassTotal[c]! += row[c]!;
  const logLikelihoods = new Float32Array(V * C);
  const features = new Map<string, number>();
  kept.forEach(([feature, row], f) => {
    features.set(feature, f);
    for (let c = 0; c < C; c++)
      logLikelihoods[f * C + c] = Math.log((row[c]! + alpha) / (perClassTotal[c]! + alpha * V));
  });
  const totalSamples = counts.samples.reduce((a, b) => a + b, 0);
  // A class with no training sample keeps a tiny prior instead of -Infinity.
  const logPriors = Float32Array.from(counts.samples, (n) => Math.log((n + 0.5) / (totalSamples + 0.5 * C)));
  return { classes: counts.classes, features, logPriors, logLikelihoods, alpha, temperature: 1 };
}

/** Raw log joint scores per class (before the temperature). */
export function scores(model: NaiveBayesModel, features: readonly string[]): Float64Array {
  const C = model.classes.length;
  const out = Float64Array.from(model.logPriors);
  for (const feature of features) {
    const f = model.features.get(feature);
    if (f === undefined) continue;
    const base = f * C;
    for (let c = 0; c < C; c++) out[c]! += model.logLikelihoods[base + c]!;
  }
  return out;
}

/** Softmax of scores / temperature, computed stably. */
export function posterior(raw: Float64Array, temperature: number): Float64Array {
  let max = Number.NEGATIVE_INFINITY;
  for (const s of raw) if (s > max) max = s;
  const out = new Float64Array(raw.length);
  let sum = 0;
  for (let c = 0; c < raw.length; c++) {
    out[c] = Math.exp((raw[c]! - max) / temperature);
    sum += out[c]!;
  }
  for (let c = 0; c < raw.length; c++) out[c]! /= sum;
  return out;
}

export function predict(model: NaiveBayesModel, features: readonly string[], top = 3): Prediction {
  const probabilities = posterior(scores(model, features), model.temperature);
  // Top-k by insertion: k is tiny, a full sort of every class per prediction is not.
  const best: number[] = [];
  for (let c = 0; c < probabilities.length; c++) {
    let i = best.length;
    while (i > 0 && probabilities[best[i - 1]!]! < probabilities[c]!) i--;
    if (i < top) {
      best.splice(i, 0, c);
      if (best.length > top) best.pop();
    }
  }
  const ranked = best.map((c) => ({ label: model.classes[c]!, probability: probabilities[c]! }));
  return { label: ranked[0]!.label, confidence: ranked[0]!.probability, ranked };
}

/**
 * The temperature that minimises the mean negative log-likelihood of the true labels on held-out
 * samples (a one-parameter calibration: it changes confidences, never the predicted class).
 */
export function fitTemperature(
  model: NaiveBayesModel,
  heldOut: readonly LabelledFeatures[],
  candidates: readonly number[] = [1, 1.5, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64],
): number {
  const classIndex = new Map(model.classes.map((c, i) => [c, i]));
  const raws = heldOut.map((s) => ({ raw: scores(model, s.features), truth: classIndex.get(s.label) }));
  let best = candidates[0]!;
  let bestLoss = Number.POSITIVE_INFINITY;
  for (const t of candidates) {
    let loss = 0;
    for (const { raw, truth } of raws) {
      if (truth === undefined) continue;
      loss -= Math.log(Math.max(posterior(raw, t)[truth]!, 1e-12));
    }
    if (loss < bestLoss) {
      bestLoss = loss;
      best = t;
    }
  }
  return best;
}

// Binary form: 4-byte header length, a JSON header (classes, features, alpha, temperature), then
// the priors and the likelihood matrix as little-endian float32; gzip over all of it.
export function encodeModel(model: NaiveBayesModel): Uint8Array {
  const header = Buffer.from(
    JSON.stringify({
      classes: model.classes,
      features: [...model.features.keys()],
      alpha: model.alpha,
      temperature: model.temperature,
    }),
  );
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length);
  const priors = Buffer.from(model.logPriors.buffer, model.logPriors.byteOffset, model.logPriors.byteLength);
  const matrix = Buffer.from(
    model.logLikelihoods.buffer,
    model.logLikelihoods.byteOffset,
    model.logLikelihoods.byteLength,
  );
  return gzipSync(Buffer.concat([length, header, priors, matrix]), { level: 6 });
}

export function decodeModel(bytes: Uint8Array): NaiveBayesModel {
  const raw = gunzipSync(bytes);
  const headerLength = raw.readUInt32LE(0);
  const header = JSON.parse(raw.subarray(4, 4 + headerLength).toString('utf8')) as {
    classes: string[];
    features: string[];
    alpha: number;
    temperature: number;
  };
  const C = header.classes.length;
  // Copy into fresh, aligned buffers: a Float32Array view needs a 4-byte aligned offset.
  const floats = new Float32Array((raw.byteLength - 4 - headerLength) >>> 2);
  new Uint8Array(floats.buffer).set(raw.subarray(4 + headerLength, 4 + headerLength + floats.byteLength));
  if (floats.length !== C + header.features.length * C) throw new Error('classifier model is corrupt');
  return {
    classes: header.classes,
    features: new Map(header.features.map((f, i) => [f, i])),
    logPriors: floats.slice(0, C),
    logLikelihoods: floats.slice(C),
    alpha: header.alpha,
    temperature: header.temperature,
  };
}
