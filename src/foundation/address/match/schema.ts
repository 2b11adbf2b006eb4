// Request and response shapes of the matching and review routes; they also feed /docs.
import { z } from 'zod';
import { LABELS } from './parse.ts';
import { MATCH_BATCH_MAX } from './service.ts';

const areaRef = z.object({ id: z.string(), name: z.string(), level: z.string() });
const elements = z.partialRecord(z.enum(LABELS), z.string());

export const matchCandidateSchema = z.object({
  address_id: z.string(),
  level: z.enum(['building', 'room']),
  score: z.number(),
  grid_id: z.string(),
  address: z.string(),
});

export const matchResultSchema = z.object({
  input: z.string(),
  status: z.enum(['matched', 'ambiguous', 'unmatched']),
  address_id: z.string().nullable(),
  level: z.enum(['building', 'room']).nullable(),
  score: z.number(),
  grid_id: z.string().nullable(),
  elements,
  candidates: z.array(matchCandidateSchema),
  chain: z
    .object({
      district: areaRef.optional(),
      subdistrict: areaRef.optional(),
      community: areaRef.optional(),
      grid: areaRef.optional(),
    })
    .nullable(),
  reason: z.string().nullable(),
});

export const matchBodySchema = z.object({
  addresses: z
    .array(z.string().max(100_000))
    .min(1)
    .max(MATCH_BATCH_MAX)
    .describe(`free-text addresses, at most ${MATCH_BATCH_MAX}`),
});

export const parseQuerySchema = z.object({
  q: z.string().max(100_000).describe('a free-text address'),
});

export const parseViewSchema = z.object({
  input: z.string(),
  normalised: z.string(),
  elements,
  tokens: z.array(z.object({ label: z.enum(LABELS), text: z.string(), value: z.string() })),
  outside: z.string().nullable(),
  problem: z.string().nullable(),
});

export const reviewItemSchema = z.object({
  id: z.string(),
  input: z.string(),
  text: z.string(),
  source: z.string(),
  matchStatus: z.enum(['matched', 'ambiguous', 'unmatched']),
  score: z.number(),
  reason: z.string().nullable(),
  candidates: z.array(matchCandidateSchema),
  occurrences: z.number(),
  status: z.enum(['open', 'confirmed', 'dismissed']),
  addressId: z.string().nullable(),
  resolvedBy: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  note: z.string().nullable(),
  createdAt: z.string(),
  lastSeenAt: z.string(),
});

export const reviewListQuerySchema = z.object({
  status: z.enum(['open', 'confirmed', 'dismissed']).default('open'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

export const reviewParamsSchema = z.object({ id: z.string().regex(/^\d+$/, 'a review item number') });

export const confirmBodySchema = z.object({
  address_id: z.string().min(1).describe('the address the text means, usually one of the candidates'),
  note: z.string().max(500).optional(),
});

export const dismissBodySchema = z.object({ note: z.string().max(500).optional() });
