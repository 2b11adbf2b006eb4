// The shipped catalogue file, read and validated once per process.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { categoryInputSchema, DISPATCH_MODES, EVENT_LEVELS, type ValidCategoryInput } from './model.ts';

const CATALOGUE_FILE = new URL('./categories.json', import.meta.url);

const fileSchema = z.object({
  defaults: z.object({ responseMinutes: z.number().int(), feedbackMinutes: z.number().int() }),
  groups: z.array(z.object({ code: z.string(), name: z.string(), nameEn: z.string() })),
  categories: z.array(
    z.object({
      code: z.string(),
      name: z.string(),
      nameEn: z.string(),
      group: z.string(),
      agency: z.string(),
      level: z.enum(EVENT_LEVELS),
      dispatch: z.enum(DISPATCH_MODES),
      resolveHours: z.number().int(),
      responseMinutes: z.number().int().optional(),
      feedbackMinutes: z.number().int().optional(),
      keywords: z.array(z.string()),
      description: z.string().optional(),
    }),
  ),
});

export interface CatalogueFile {
  sha256: string;
  categories: ValidCategoryInput[];
}

let cached: CatalogueFile | undefined;

export function readCatalogueFile(): CatalogueFile {
  if (cached) return cached;
  const bytes = readFileSync(CATALOGUE_FILE);
  const file = fileSchema.parse(JSON.parse(bytes.toString('utf8')));
  const groups = new Map(file.groups.map((g) => [g.code, g]));
  const categories = file.categories.map((c) => {
    const group = groups.get(c.group);
    if (!group) throw new Error(`categories.json: ${c.code} names unknown group ${c.group}`);
    return categoryInputSchema.parse({
      code: c.code,
      name: c.name,
      nameEn: c.nameEn,
      group,
      agency: c.agency,
      eventLevel: c.level,
      dispatchMode: c.dispatch,
      serviceLevels: {
        responseMinutes: c.responseMinutes ?? file.defaults.responseMinutes,
        feedbackMinutes: c.feedbackMinutes ?? file.defaults.feedbackMinutes,
        resolveHours: c.resolveHours,
      },
      keywords: c.keywords,
      description: c.description ?? '',
    });
  });
  cached = { sha256: createHash('sha256').update(bytes).digest('hex'), categories };
  return cached;
}
