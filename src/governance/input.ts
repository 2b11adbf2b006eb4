// Validation at the edge of the governance functions: zod issues become one invalid_input error
// whose problems name each field.
import type { z } from 'zod';
import { invalidInput } from '../lib/errors.ts';

export function parseInput<T>(schema: z.ZodType<T>, input: unknown, message: string): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw invalidInput(
    message,
    result.error.issues.map((issue) => ({ field: issue.path.join('.'), reason: issue.message })),
  );
}

/** Request and order ids are positive integers written as strings. */
export function requireId(id: string, what = 'request'): string {
  if (!/^[1-9]\d{0,17}$/.test(id))
    throw invalidInput(`${what} id must be a positive whole number, got "${id}"`);
  return id;
}
