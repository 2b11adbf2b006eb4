// Reading and editing the catalogue. Reads come from the in-memory reference (categories are public
// reference data: Open311 lists them without a key); edits need 'catalogue:write' and are audited.
import { bumpDataVersion } from '../../db/data-versions.ts';
import { audit, type Ctx, requirePermission } from '../../foundation/access/context.ts';
import { conflict, invalidInput, notFound } from '../../lib/errors.ts';
import { parseInput } from '../input.ts';
import { type CategoryRow, ensureGovernance, expireGovernance, toCategory } from '../reference.ts';
import {
  type Category,
  type CategoryInput,
  type CategoryPatch,
  categoryInputSchema,
  categoryPatchSchema,
  type ValidCategoryInput,
} from './model.ts';

export interface CategoryFilter {
  group?: string | undefined;
  agency?: string | undefined;
  /** Default: active categories only. */
  active?: boolean | undefined;
}

export async function listCategories(ctx: Ctx, filter: CategoryFilter = {}): Promise<Category[]> {
  const ref = await ensureGovernance(ctx.db);
  const active = filter.active ?? true;
  return [...ref.categories.values()].filter(
    (c) =>
      c.active === active &&
      (!filter.group || c.group.code === filter.group) &&
      (!filter.agency || c.agency === filter.agency),
  );
}

export async function getCategory(ctx: Ctx, code: string): Promise<Category> {
  const category = (await ensureGovernance(ctx.db)).categories.get(code);
  if (!category) throw notFound(`category ${code}`);
  return category;
}

export async function createCategory(ctx: Ctx, input: CategoryInput): Promise<Category> {
  requirePermission(ctx, 'catalogue:write');
  const c = parseInput(categoryInputSchema, input, 'invalid category');
  const ref = await ensureGovernance(ctx.db);
  if (ref.categories.has(c.code)) throw conflict(`category ${c.code} exists already`);
  requireAgency(ref.agencies, c.agency);
  const created = await ctx.db.transaction(async (tx) => {
    const rows = await tx.query<CategoryRow>(
      `INSERT INTO gov_categories (code, name, name_en, group_code, group_name, group_name_en, agency_code,
              event_level, dispatch_mode, response_minutes, feedback_minutes, resolve_hours, keywords,
              description, active, edited_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
       ON CONFLICT (code) DO NOTHING RETURNING *`,
      [...columns(c), ctx.actor.username],
    );
    if (!rows[0]) throw conflict(`category ${c.code} exists already`);
    await audit({ ...ctx, db: tx }, 'category.create', { kind: 'category', id: c.code }, { category: c });
    await bumpDataVersion(tx, 'governance');
    return toCategory(rows[0]);
  });
  expireGovernance(ctx.db);
  return created;
}

/** Changes some fields; the row is marked edited, so a newer shipped file leaves it alone. */
export async function updateCategory(ctx: Ctx, code: string, patch: CategoryPatch): Promise<Category> {
  requirePermission(ctx, 'catalogue:write');
  const changes = parseInput(categoryPatchSchema, patch, 'invalid category change');
  const ref = await ensureGovernance(ctx.db);
  const current = ref.categories.get(code);
  if (!current) throw notFound(`category ${code}`);
  if (changes.agency) requireAgency(ref.agencies, changes.agency);
  const next: ValidCategoryInput = {
    code,
    name: changes.name ?? current.name,
    nameEn: changes.nameEn ?? current.nameEn,
    group: changes.group ?? current.group,
    agency: changes.agency ?? current.agency,
    eventLevel: changes.eventLevel ?? current.eventLevel,
    dispatchMode: changes.dispatchMode ?? current.dispatchMode,
    serviceLevels: { ...current.serviceLevels, ...changes.serviceLevels },
    keywords: changes.keywords ?? current.keywords,
    description: changes.description ?? current.description,
    active: changes.active ?? current.active,
  };
  const updated = await ctx.db.transaction(async (tx) => {
    const [row] = await tx.query<CategoryRow>(
      `UPDATE gov_categories SET name = $2, name_en = $3, group_code = $4, group_name = $5, group_name_en = $6,
              agency_code = $7, event_level = $8, dispatch_mode = $9, response_minutes = $10,
              feedback_minutes = $11, resolve_hours = $12, keywords = $13, description = $14, active = $15,
              edited_by = $16, updated_at = now()
        WHERE code = $1 RETURNING *`,
      [...columns(next), ctx.actor.username],
    );
    if (!row) throw notFound(`category ${code}`);
    await audit({ ...ctx, db: tx }, 'category.update', { kind: 'category', id: code }, { changes });
    await bumpDataVersion(tx, 'governance');
    return toCategory(row);
  });
  expireGovernance(ctx.db);
  return updated;
}

function columns(c: ValidCategoryInput): unknown[] {
  return [
    c.code,
    c.name,
    c.nameEn,
    c.group.code,
    c.group.name,
    c.group.nameEn,
    c.agency,
    c.eventLevel,
    c.dispatchMode,
    c.serviceLevels.responseMinutes,
    c.serviceLevels.feedbackMinutes,
    c.serviceLevels.resolveHours,
    c.keywords,
    c.description,
    c.active,
  ];
}

function requireAgency(agencies: ReadonlyMap<string, unknown>, code: string): void {
  if (!agencies.has(code))
    throw invalidInput(`no agency ${code}`, [{ field: 'agency', reason: `unknown agency ${code}` }]);
}
