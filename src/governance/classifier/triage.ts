// The classifier at work: trained from the database's history, it reads every request waiting in
// triage (no category: hotline transcripts and the like). Confident → the category is applied through
// the core's classifyServiceRequest (by 'model', with its confidence) and the order is dispatched;
// otherwise the request stays in the operator's triage queue with the model's best three as suggestions.
import type { Db } from '../../db/db.ts';
import { type Actor, type Ctx, requirePermission } from '../../foundation/access/context.ts';
import { invalidInput } from '../../lib/errors.ts';
import { every, type Periodic } from '../../lib/periodic.ts';
import { classifyServiceRequest } from '../requests/classify.ts';
import { classify, type LoadedClassifier, loadClassifier, saveClassifier } from './store.ts';
import { type ClassifierMetrics, type TrainOptions, trainClassifier } from './train.ts';

export interface TrainResult {
  modelId: string;
  metrics: ClassifierMetrics;
  seconds: number;
}

/**
 * Trains on every categorised request whose category a person chose (the reporter or an operator):
 * the model's own guesses never teach it.
 */
export async function trainFromHistory(ctx: Ctx, options: TrainOptions = {}): Promise<TrainResult> {
  requirePermission(ctx, 'catalogue:write');
  const started = performance.now();
  const rows = await ctx.db.query<{ id: string; description: string; category_code: string }>(
    `SELECT id::text, description, category_code FROM gov_requests
      WHERE category_code IS NOT NULL AND classified_by IS DISTINCT FROM 'model'`,
  );
  if (rows.length < 200)
    throw invalidInput(`only ${rows.length} categorised requests: too few to train on (200 at least)`);
  const trained = trainClassifier(
    rows.map((r) => ({ id: r.id, text: r.description, label: r.category_code })),
    options,
  );
  const modelId = await saveClassifier(ctx, trained);
  return { modelId, metrics: trained.metrics, seconds: (performance.now() - started) / 1000 };
}

export interface TriagePass {
  modelId: string | null;
  scored: number;
  /** Confident: categorised by the model and dispatched. */
  applied: number;
  /** Left for an operator, with suggestions. */
  queued: number;
}

/** One pass over requests in triage that the newest model has not looked at yet. */
export async function classifyTriage(
  ctx: Ctx,
  options: { classifier?: LoadedClassifier | null; limit?: number } = {},
): Promise<TriagePass> {
  requirePermission(ctx, 'requests:write');
  const classifier = options.classifier === undefined ? await loadClassifier(ctx.db) : options.classifier;
  const pass: TriagePass = { modelId: classifier?.id ?? null, scored: 0, applied: 0, queued: 0 };
  if (!classifier) return pass;
  const waiting = await ctx.db.query<{ id: string; description: string }>(
    `SELECT r.id::text, r.description FROM gov_requests r
      WHERE r.status = 'triage' AND NOT EXISTS (
        SELECT 1 FROM classifier_suggestions s WHERE s.request_id = r.id::text AND s.model_id = $1::bigint)
      ORDER BY r.submitted_at LIMIT $2`,
    [classifier.id, options.limit ?? 500],
  );
  for (const request of waiting) {
    const result = classify(classifier, request.description);
    if (result.accepted)
      await classifyServiceRequest(ctx, request.id, {
        category: result.category,
        by: 'model',
        confidence: result.confidence,
      });
    await ctx.db.query(
      `INSERT INTO classifier_suggestions (request_id, model_id, ranked, applied) VALUES ($1, $2, $3, $4)
       ON CONFLICT (request_id, model_id) DO NOTHING`,
      [request.id, classifier.id, JSON.stringify(result.ranked), result.accepted],
    );
    pass.scored++;
    if (result.accepted) pass.applied++;
    else pass.queued++;
  }
  return pass;
}

export interface Suggestion {
  requestId: string;
  modelId: string;
  applied: boolean;
  ranked: { category: string; probability: number }[];
}

/** The newest model's suggestions for requests (what the triage queue shows beside each one). */
export async function suggestionsFor(ctx: Ctx, requestIds: readonly string[]): Promise<Suggestion[]> {
  requirePermission(ctx, 'requests:read');
  const rows = await ctx.db.query<{
    request_id: string;
    model_id: string;
    applied: boolean;
    ranked: Suggestion['ranked'];
  }>(
    `SELECT DISTINCT ON (request_id) request_id, model_id::text, applied, ranked FROM classifier_suggestions
      WHERE request_id = ANY ($1::text[]) ORDER BY request_id, model_id DESC`,
    [requestIds],
  );
  return rows.map((r) => ({
    requestId: r.request_id,
    modelId: r.model_id,
    applied: r.applied,
    ranked: r.ranked,
  }));
}

/** Who applies the model's categories: a district-wide operator identity, named in every history row. */
export const CLASSIFIER_ACTOR: Actor = {
  username: 'classifier',
  role: 'operator',
  scope: { kind: 'district', id: '*' },
};

/**
 * Classifies new triage requests every `intervalMs` in the background (the server starts it). A pass
 * that fails is logged and retried on the next tick; state lives in the database, so a restart
 * loses nothing.
 */
export function startTriageClassifier(db: Db, { intervalMs = 5_000 } = {}): Periodic {
  const ctx: Ctx = { db, actor: CLASSIFIER_ACTOR };
  let classifier: LoadedClassifier | null = null;
  const tick = async () => {
    const [row] = await db.query<{ id: string | null }>('SELECT max(id)::text AS id FROM classifier_models');
    if (!row?.id) return;
    if (classifier?.id !== row.id) classifier = await loadClassifier(db, row.id);
    await classifyTriage(ctx, { classifier });
  };
  return every(intervalMs, tick, (error) => console.error('triage classifier pass failed:', error));
}
