// Chinese text → classifier features. Intl.Segmenter (full ICU, as Node ships) cuts words from its
// dictionary; character bigrams of every Han run add what the dictionary splits wrongly (沙|头,
// 占|道): together they are robust to place names and to the ICU version.

const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });
const HAN = /\p{Script=Han}/u;
const HAN_RUNS = /\p{Script=Han}{2,}/gu;
const DIGITS = /\d+/g;

/** Words as the segmenter cuts them (word-like segments only), lower-cased, digits folded to `0`. */
export function words(text: string): string[] {
  const out: string[] = [];
  for (const s of segmenter.segment(normalise(text))) if (s.isWordLike) out.push(s.segment);
  return out;
}

/** `w:` words and `b:` Han character bigrams; repeated features count each time (multinomial). */
export function textFeatures(text: string): string[] {
  const clean = normalise(text);
  const features: string[] = [];
  for (const s of segmenter.segment(clean)) {
    if (!s.isWordLike) continue;
    // A lone digit or Latin letter says nothing about the category.
    if (s.segment.length === 1 && !HAN.test(s.segment)) continue;
    features.push(`w:${s.segment}`);
  }
  for (const run of clean.matchAll(HAN_RUNS)) {
    const chars = Array.from(run[0]);
    for (let i = 0; i + 1 < chars.length; i++) features.push(`b:${chars[i]}${chars[i + 1]}`);
  }
  return features;
}

function normalise(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(DIGITS, '0');
}
