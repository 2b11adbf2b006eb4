// The shipped list of district departments, read and validated once per process.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const DEPARTMENTS_FILE = new URL('./departments.json', import.meta.url);

/** How generated handling zones cut the district: by subdistrict, by groups of them, or one zone. */
export const zoningSchema = z.discriminatedUnion('by', [
  z.object({ by: z.literal('district') }),
  z.object({ by: z.literal('subdistrict') }),
  z.object({ by: z.literal('subdistricts'), per: z.number().int().min(2) }),
  z.object({ by: z.literal('communities'), per: z.number().int().min(1) }),
]);
export type Zoning = z.infer<typeof zoningSchema>;

const fileSchema = z.object({
  departments: z.array(
    z.object({
      code: z.string().regex(/^[a-z0-9-]{2,48}$/),
      name: z.string().min(1),
      nameEn: z.string().min(1),
      zoning: zoningSchema,
    }),
  ),
});
export type Department = z.infer<typeof fileSchema>['departments'][number];

let cached: { sha256: string; departments: Department[] } | undefined;

export function readDepartmentsFile(): { sha256: string; departments: Department[] } {
  if (cached) return cached;
  const bytes = readFileSync(DEPARTMENTS_FILE);
  const { departments } = fileSchema.parse(JSON.parse(bytes.toString('utf8')));
  cached = { sha256: createHash('sha256').update(bytes).digest('hex'), departments };
  return cached;
}
