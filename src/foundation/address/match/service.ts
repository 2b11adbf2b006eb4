// The matcher as domain functions over a Ctx: permission checks and the process's current index.
// Pass the root database (not a transaction): the index is cached per database object.
import { invalidInput } from '../../../lib/errors.ts';
import { type Ctx, requirePermission } from '../../access/context.ts';
import { currentMatchIndex } from './index.ts';
import { inputProblem, type MatchResult, matchAddress } from './match.ts';
import { normaliseAddress } from './normalise.ts';
import { type Element, elementRecord, type Label, parseNormalised } from './parse.ts';

/** Most texts one request may match. */
export const MATCH_BATCH_MAX = 1_000;

export async function matchAddresses(ctx: Ctx, inputs: readonly string[]): Promise<MatchResult[]> {
  requirePermission(ctx, 'addresses:read');
  if (inputs.length > MATCH_BATCH_MAX)
    throw invalidInput(`at most ${MATCH_BATCH_MAX} addresses per request, got ${inputs.length}`);
  const index = await currentMatchIndex(ctx.db);
  return inputs.map((input) => matchAddress(index, input));
}

export interface ParseView {
  input: string;
  /** The normalised text the elements were read from. */
  normalised: string;
  elements: Partial<Record<Label, string>>;
  /** Every element in reading order (noise last), with the text as written and its value. */
  tokens: Pick<Element, 'label' | 'text' | 'value'>[];
  /** The first administrative name outside the library, if any. */
  outside: string | null;
  problem: string | null;
}

export async function parseAddressText(ctx: Ctx, input: string): Promise<ParseView> {
  requirePermission(ctx, 'addresses:read');
  const problem = inputProblem(input) ?? null;
  if (problem) return { input, normalised: '', elements: {}, tokens: [], outside: null, problem };
  const index = await currentMatchIndex(ctx.db);
  const { text, noise } = normaliseAddress(input);
  const parsed = parseNormalised(text, noise, index.lexicon);
  return {
    input,
    normalised: parsed.text,
    elements: elementRecord(parsed.elements),
    tokens: parsed.elements.map(({ label, text: written, value }) => ({ label, text: written, value })),
    outside: parsed.outside ?? null,
    problem: null,
  };
}
