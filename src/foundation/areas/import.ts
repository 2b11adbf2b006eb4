// `citybrain areas import`: one GeoJSON file into the area tree, all or nothing. The file is checked
// against the stored tree under a table lock, so two imports cannot interleave; any error rejects
// the whole file, and the run and its problems are recorded either way.
import { basename } from 'node:path';
import { bumpDataVersion } from '../../db/data-versions.ts';
import type { Db } from '../../db/db.ts';
import { forbidden } from '../../lib/errors.ts';
import { readTextFile } from '../../lib/text.ts';
import { audit, type Ctx, coversArea, describeScope, requirePermission } from '../access/context.ts';
import {
  emptyCounts,
  finishImport,
  type ImportCounts,
  type ImportSummary,
  recordProblems,
  startImport,
} from '../imports/runs.ts';
import type { AreaGeometry } from './geometry.ts';
import { AREA_LEVELS, type AreaLevel } from './locator.ts';
import {
  type AreaFileCheck,
  checkAreaFile,
  type StoredArea,
  sameGeometry,
  samePath,
  type ValidArea,
} from './validate.ts';

export async function importAreas(ctx: Ctx, path: string): Promise<ImportSummary> {
  requirePermission(ctx, 'areas:write');
  const input = await readTextFile(path);
  const file = basename(path);
  const importId = await startImport(ctx, 'areas', file, input);
  const summary = (
    status: ImportSummary['status'],
    counts: ImportCounts,
    check: AreaFileCheck,
  ): ImportSummary => ({
    importId,
    file,
    encoding: input.encoding,
    status,
    problems: check.problems,
    ...counts,
  });

  let check: AreaFileCheck | undefined;
  try {
    const stored = await ctx.db.transaction(async (tx) => {
      // Serialises area imports; readers (the locator, the API) are not blocked.
      await tx.exec('LOCK TABLE areas IN SHARE ROW EXCLUSIVE MODE');
      const current = await loadStoredAreas(tx);
      check = checkAreaFile(input.text, file, current);
      if (check.errors > 0) return undefined;
      const outOfScope = check.areas.find((area) => !coversArea(ctx.actor, area.path));
      if (outOfScope)
        throw forbidden(`area ${outOfScope.id} is outside your scope ${describeScope(ctx.actor.scope)}`);
      const counts = await writeAreas({ ...ctx, db: tx }, importId, check, current);
      await recordProblems(tx, importId, check.problems);
      await finishImport(tx, importId, 'succeeded', counts);
      return counts;
    });
    if (stored) return summary('succeeded', stored, check!);
    const rejected = new Set(check!.problems.filter((p) => p.severity === 'error').map((p) => p.row ?? 0));
    const counts = {
      ...emptyCounts(),
      total: check!.total,
      rejected: rejected.size,
      warnings: check!.warnings,
    };
    await recordProblems(ctx.db, importId, check!.problems);
    await finishImport(ctx.db, importId, 'failed', counts, `${check!.errors} errors; nothing imported`);
    return summary('failed', counts, check!);
  } catch (error) {
    const counts = { ...emptyCounts(), total: check?.total ?? 0 };
    await finishImport(
      ctx.db,
      importId,
      'failed',
      counts,
      error instanceof Error ? error.message : String(error),
    );
    throw error;
  }
}

async function loadStoredAreas(db: Db): Promise<Map<string, StoredArea>> {
  const rows = await db.query<{
    id: string;
    name: string;
    level: AreaLevel;
    parent_id: string | null;
    geometry: AreaGeometry;
    path: string[];
  }>('SELECT id, name, level, parent_id, geometry, path FROM areas');
  return new Map(
    rows.map((r) => [
      r.id,
      { id: r.id, name: r.name, level: r.level, parentId: r.parent_id, geometry: r.geometry, path: r.path },
    ]),
  );
}

/** Upserts the file's new and changed areas (parents first) and re-paths moved descendants. */
async function writeAreas(
  ctx: Ctx,
  importId: string,
  check: AreaFileCheck,
  stored: ReadonlyMap<string, StoredArea>,
): Promise<ImportCounts> {
  const counts = { ...emptyCounts(), total: check.total, warnings: check.warnings };
  const changed: ValidArea[] = [];
  for (const area of check.areas) {
    const before = stored.get(area.id);
    if (!before) counts.inserted += 1;
    else if (isSame(before, area)) counts.unchanged += 1;
    else counts.updated += 1;
    if (!before || !isSame(before, area)) changed.push(area);
  }
  if (changed.length === 0 && check.movedPaths.length === 0) return counts;

  changed.sort((a, b) => AREA_LEVELS.indexOf(a.level) - AREA_LEVELS.indexOf(b.level));
  const rows = changed.map((a) => ({
    id: a.id,
    name: a.name,
    level: a.level,
    parent_id: a.parentId,
    path: a.path,
    geometry: a.geometry,
    bbox: a.bbox,
    area_m2: a.areaM2,
    ord: AREA_LEVELS.indexOf(a.level),
  }));
  // One statement for the whole file: the rows travel as a single JSON parameter.
  await ctx.db.query(
    `INSERT INTO areas (id, name, level, parent_id, path, geometry, bbox, area_m2, import_id, updated_at)
     SELECT r.id, r.name, r.level, r.parent_id, r.path, r.geometry, r.bbox, r.area_m2, $2, now()
       FROM jsonb_to_recordset($1::jsonb) AS r(id text, name text, level text, parent_id text, path text[],
            geometry jsonb, bbox double precision[], area_m2 double precision, ord int)
      ORDER BY r.ord
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, level = excluded.level, parent_id = excluded.parent_id,
            path = excluded.path, geometry = excluded.geometry, bbox = excluded.bbox, area_m2 = excluded.area_m2,
            import_id = excluded.import_id, updated_at = excluded.updated_at`,
    [JSON.stringify(rows), importId],
  );
  if (check.movedPaths.length > 0) {
    await ctx.db.query(
      `UPDATE areas a SET path = r.path, updated_at = now()
         FROM jsonb_to_recordset($1::jsonb) AS r(id text, path text[]) WHERE a.id = r.id`,
      [JSON.stringify(check.movedPaths)],
    );
  }
  await bumpDataVersion(ctx.db, 'areas');
  await audit(
    ctx,
    'areas.import',
    { kind: 'import', id: importId },
    {
      inserted: counts.inserted,
      updated: counts.updated,
      unchanged: counts.unchanged,
      moved: check.movedPaths.length,
    },
  );
  return counts;
}

function isSame(before: StoredArea, area: ValidArea): boolean {
  return (
    before.name === area.name &&
    before.level === area.level &&
    before.parentId === area.parentId &&
    samePath(before.path, area.path) &&
    sameGeometry(before.geometry, area.geometry)
  );
}
