// Trained models live in the database (the newest row is in use), so every server process and CLI
// command loads the same one; a server re-reads it when a newer model appears.
import type { Db } from '../../db/db.ts';
import { audit, type Ctx } from '../../foundation/access/context.ts';
import { decodeModel, encodeModel, type NaiveBayesModel, predict } from './naive-bayes.ts';
import { textFeatures } from './segment.ts';
import type { ClassifierMetrics, TrainedClassifier } from './train.ts';

export const ALGORITHM = 'multinomial-naive-bayes/words+bigrams';

export interface LoadedClassifier {
  id: string;
  trainedAt: string;
  threshold: number;
  metrics: ClassifierMetrics;
  model: NaiveBayesModel;
}

export interface Classification {
  /** The best category and the model's confidence in it. */
  category: string;
  confidence: number;
  /** Confident enough to apply without an operator. */
  accepted: boolean;
  ranked: { category: string; probability: number }[];
  modelId: string;
}

export async function saveClassifier(ctx: Ctx, trained: TrainedClassifier): Promise<string> {
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx.query<{ id: string }>(
      `INSERT INTO classifier_models (trained_by, algorithm, threshold, metrics, model)
       VALUES ($1, $2, $3, $4, $5) RETURNING id::text`,
      [
        ctx.actor.username,
        ALGORITHM,
        trained.metrics.threshold,
        JSON.stringify(trained.metrics),
        encodeModel(trained.model),
      ],
    );
    await audit(
      { ...ctx, db: tx },
      'classifier.train',
      { kind: 'classifier_model', id: row!.id },
      {
        accuracy: trained.metrics.accuracy,
        samples: trained.metrics.trainSamples,
      },
    );
    return row!.id;
  });
}

export async function latestClassifierId(db: Db): Promise<string | null> {
  const [row] = await db.query<{ id: string | null }>('SELECT max(id)::text AS id FROM classifier_models');
  return row?.id ?? null;
}

export async function loadClassifier(db: Db, id?: string): Promise<LoadedClassifier | null> {
  const [row] = await db.query<{
    id: string;
    trained_at: Date | string;
    threshold: number;
    metrics: ClassifierMetrics;
    model: Uint8Array;
  }>(
    `SELECT id::text, trained_at, threshold, metrics, model FROM classifier_models
      WHERE ($1::bigint IS NULL OR id = $1::bigint) ORDER BY id DESC LIMIT 1`,
    [id ?? null],
  );
  if (!row) return null;
  return {
    id: row.id,
    trainedAt: new Date(row.trained_at).toISOString(),
    threshold: Number(row.threshold),
    metrics: row.metrics,
    model: decodeModel(row.model),
  };
}

/** The newest model, re-checked at most once per `maxAgeMs` (null until one is trained). */
export function cachedClassifier(db: Db, maxAgeMs = 30_000): () => Promise<LoadedClassifier | null> {
  let current: LoadedClassifier | null = null;
  let checkedAt = 0;
  let pending: Promise<LoadedClassifier | null> | undefined;
  const refresh = async () => {
    const id = await latestClassifierId(db);
    checkedAt = Date.now();
    if (id !== (current?.id ?? null)) current = id ? await loadClassifier(db, id) : null;
    return current;
  };
  return async () => {
    if (checkedAt && Date.now() - checkedAt < maxAgeMs) return current;
    pending ??= refresh().finally(() => {
      pending = undefined;
    });
    return pending;
  };
}

export function classify(classifier: LoadedClassifier, text: string): Classification {
  const p = predict(classifier.model, textFeatures(text));
  return {
    category: p.label,
    confidence: p.confidence,
    accepted: p.confidence >= classifier.threshold,
    ranked: p.ranked.map((r) => ({ category: r.label, probability: r.probability })),
    modelId: classifier.id,
  };
}
