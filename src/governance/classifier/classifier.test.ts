// The classifier: segmentation, training on the demo history with a held-out split, the stored model
// round-trip, and a triage pass that applies confident categories and leaves the rest with suggestions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb, testEngine } from '../../db/testing.ts';
import { buildDemoDistrict } from '../../demo/model.ts';
import { generateHistory } from '../../demo/requests/history.ts';
import { systemCtx } from '../../foundation/access/context.ts';
import { decodeModel, encodeModel, predict } from './naive-bayes.ts';
import { textFeatures, words } from './segment.ts';
import { classify, loadClassifier, saveClassifier } from './store.ts';
import { type TrainedClassifier, trainClassifier } from './train.ts';

describe('segmentation', () => {
  it('cuts Chinese words with Intl.Segmenter and adds Han bigrams', () => {
    expect(words('路边有小贩占道经营')).toContain('小贩');
    // ICU's dictionary cuts 井盖 into single characters: the bigrams keep the word.
    const features = textFeatures('井盖丢了 123');
    expect(features).toEqual(expect.arrayContaining(['w:井', 'b:井盖', 'b:盖丢', 'b:丢了']));
    expect(features.some((f) => f.includes('123'))).toBe(false);
  });
});

describe(`classifier on the demo history (${testEngine})`, () => {
  let trained: TrainedClassifier;
  let t: TestDb;
  beforeAll(async () => {
    const samples = [...generateHistory(buildDemoDistrict({ seed: 3, scale: 0.02 }))]
      .filter((r) => r.category)
      .map((r) => ({ id: r.order_no, text: r.description, label: r.category }));
    trained = trainClassifier(samples);
    t = await createTestDb();
  });
  afterAll(async () => {
    await t?.destroy();
  });

  it('is accurate on requests it never saw, and its threshold is calibrated on validation', () => {
    const m = trained.metrics;
    expect(m.classes).toBeGreaterThan(60);
    expect(m.testSamples).toBeGreaterThan(500);
    expect(m.accuracy).toBeGreaterThan(0.8);
    expect(m.top3Accuracy).toBeGreaterThanOrEqual(m.accuracy);
    expect(m.autoAccuracy).toBeGreaterThanOrEqual(m.accuracy);
  });

  it('survives the binary round-trip and the database unchanged', async () => {
    const text = '市民来电反映：福田区沙头街道下沙村下沙三坊有人推车卖烧烤，占了人行道';
    const before = predict(trained.model, textFeatures(text));
    expect(predict(decodeModel(encodeModel(trained.model)), textFeatures(text))).toEqual(before);
    const id = await saveClassifier(systemCtx(t.db), trained);
    const loaded = (await loadClassifier(t.db))!;
    expect(loaded.id).toBe(id);
    const result = classify(loaded, text);
    expect(result.category).toBe(before.label);
    expect(result.category).toBe('占道经营');
    expect(result.accepted).toBe(result.confidence >= loaded.threshold);
    expect(result.ranked).toHaveLength(3);
  });
});
