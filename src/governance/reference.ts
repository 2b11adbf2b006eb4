// The governance reference data (categories, agencies, handling zones) in memory, kept current.
//
// On first use in a database the shipped files (departments.json, categories.json) are loaded and
// one office per subdistrict and one workstation per community are derived from the area tree; a
// newer file or a changed area tree is merged the next time any process looks. Category rows edited
// through the API keep their edits. Every change bumps the 'governance' data version, so each process
// reloads its copy within a second (and the writing process at once).
import { bumpDataVersion } from '../db/data-versions.ts';
import type { Db } from '../db/db.ts';
import type { AreaGeometry, BBox } from '../foundation/areas/geometry.ts';
import { readDepartmentsFile, type Zoning } from './agencies/file.ts';
import type { Agency, AgencyKind, HandlingZone } from './agencies/model.ts';
import { readCatalogueFile } from './catalogue/file.ts';
import type { Category, DispatchMode, EventLevel } from './catalogue/model.ts';

export interface GovernanceReference {
  version: string;
  categories: ReadonlyMap<string, Category>;
  agencies: ReadonlyMap<string, Agency>;
  /** Handling zones by agency code. */
  zones: ReadonlyMap<string, readonly HandlingZone[]>;
}

// Any constant: serialises reference syncs of several processes on one PostgreSQL server.
const SYNC_LOCK = 4403_0405;

interface Cache {
  current?: GovernanceReference;
  checkedAt: number;
  pending?: Promise<GovernanceReference> | undefined;
  /** Bumped by expireGovernance: a copy checked before the latest expiry must not answer. */
  expiries: number;
  /** The expiries a finished check had seen when it started. */
  checkedExpiries: number;
}
const caches = new WeakMap<Db, Cache>();

/**
 * The reference data, loading the shipped files on first use; checks for changes by other processes
 * at most once per `maxAgeMs` (the copy in hand answers while that check runs). One copy per
 * process and database, shared by transactions on it.
 */
export async function ensureGovernance(db: Db, maxAgeMs = 1_000): Promise<GovernanceReference> {
  let cache = caches.get(db.root);
  if (!cache) {
    cache = { checkedAt: 0, expiries: 0, checkedExpiries: 0 };
    caches.set(db.root, cache);
  }
  const state = cache;
  const expired = state.checkedExpiries !== state.expiries;
  if (state.current && !expired && Date.now() - state.checkedAt < maxAgeMs) return state.current;
  if (db.inTransaction) return inTransaction(db, state);
  const checked = check(db, state);
  // Merely due for the periodic check: the copy in hand answers while the check runs beside it, so
  // requests never queue behind that query. After an expiry the caller waits for a fresh check.
  if (state.current && !expired) {
    checked.catch(() => {});
    return state.current;
  }
  let reference = await checked;
  // A check already running when the expiry came may have read the old version: check once more.
  if (state.checkedExpiries !== state.expiries) reference = await check(db, state);
  return reference;
}

function check(db: Db, state: Cache): Promise<GovernanceReference> {
  state.pending ??= refresh(db, state).finally(() => {
    state.pending = undefined;
  });
  return state.pending;
}

/** Forgets this process's copy, so the next read sees a change just committed. */
export function expireGovernance(db: Db): void {
  const cache = caches.get(db.root);
  if (cache) {
    cache.checkedAt = 0;
    cache.expiries++;
  }
}

/**
 * The check through a transaction. The root connection may not be usable from inside one (PGlite
 * has a single connection), and the transaction may see its own uncommitted changes: the shared
 * copy answers when the transaction sees its version, otherwise the transaction gets a copy of
 * its own that is not kept.
 */
async function inTransaction(tx: Db, state: Cache): Promise<GovernanceReference> {
  let versions = await readVersions(tx);
  if (stale(versions)) {
    await sync(tx);
    versions = await readVersions(tx);
  }
  if (state.current?.version !== versions.governance) return loadReference(tx, versions.governance);
  state.checkedAt = Date.now();
  return state.current;
}

interface Versions {
  governance: string;
  areas: string;
  loads: Record<string, string> | null;
}

async function readVersions(db: Db): Promise<Versions> {
  const [row] = await db.query<Versions>(
    `SELECT (SELECT version::text FROM data_versions WHERE name = 'governance') AS governance,
            (SELECT version::text FROM data_versions WHERE name = 'areas') AS areas,
            (SELECT json_object_agg(source, version) FROM gov_reference_loads) AS loads`,
  );
  return row!;
}

function stale(v: Versions): boolean {
  const loads = v.loads ?? {};
  return (
    loads['departments.json'] !== readDepartmentsFile().sha256 ||
    loads['categories.json'] !== readCatalogueFile().sha256 ||
    loads.areas !== v.areas
  );
}

async function refresh(db: Db, state: Cache): Promise<GovernanceReference> {
  const expiries = state.expiries;
  let versions = await readVersions(db);
  if (stale(versions)) {
    await sync(db);
    versions = await readVersions(db);
  }
  if (state.current?.version !== versions.governance)
    state.current = await loadReference(db, versions.governance);
  state.checkedAt = Date.now();
  state.checkedExpiries = expiries;
  return state.current;
}

/** Merges the shipped files and the area tree into the reference tables, once across processes. */
async function sync(db: Db): Promise<void> {
  await db.transaction(async (tx) => {
    if (tx.kind === 'postgres') await tx.query('SELECT pg_advisory_xact_lock($1)', [SYNC_LOCK]);
    const v = await readVersions(tx);
    if (!stale(v)) return;
    const loads = v.loads ?? {};
    const departments = readDepartmentsFile();
    const catalogue = readCatalogueFile();
    if (loads['departments.json'] !== departments.sha256) {
      await tx.query(
        `INSERT INTO gov_agencies (code, name, name_en, kind, zoning)
         SELECT code, name, "nameEn", 'department', zoning
           FROM jsonb_to_recordset($1::jsonb) AS d(code text, name text, "nameEn" text, zoning jsonb)
         ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, name_en = EXCLUDED.name_en,
           zoning = EXCLUDED.zoning, active = true, updated_at = now()`,
        [JSON.stringify(departments.departments)],
      );
    }
    if (loads.areas !== v.areas) await syncAreaAgencies(tx);
    if (loads['categories.json'] !== catalogue.sha256) {
      await tx.query(
        `INSERT INTO gov_categories (code, name, name_en, group_code, group_name, group_name_en, agency_code,
                event_level, dispatch_mode, response_minutes, feedback_minutes, resolve_hours, keywords,
                description, active)
         SELECT c.code, c.name, c."nameEn", c."group"->>'code', c."group"->>'name', c."group"->>'nameEn',
                c.agency, c."eventLevel", c."dispatchMode", (c."serviceLevels"->>'responseMinutes')::int,
                (c."serviceLevels"->>'feedbackMinutes')::int, (c."serviceLevels"->>'resolveHours')::int,
                ARRAY(SELECT jsonb_array_elements_text(c.keywords)), c.description, c.active
           FROM jsonb_to_recordset($1::jsonb) AS c(code text, name text, "nameEn" text, "group" jsonb,
                agency text, "eventLevel" text, "dispatchMode" text, "serviceLevels" jsonb, keywords jsonb,
                description text, active boolean)
         ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, name_en = EXCLUDED.name_en,
           group_code = EXCLUDED.group_code, group_name = EXCLUDED.group_name,
           group_name_en = EXCLUDED.group_name_en, agency_code = EXCLUDED.agency_code,
           event_level = EXCLUDED.event_level, dispatch_mode = EXCLUDED.dispatch_mode,
           response_minutes = EXCLUDED.response_minutes, feedback_minutes = EXCLUDED.feedback_minutes,
           resolve_hours = EXCLUDED.resolve_hours, keywords = EXCLUDED.keywords,
           description = EXCLUDED.description, updated_at = now()
         WHERE gov_categories.edited_by IS NULL`,
        [JSON.stringify(catalogue.categories)],
      );
    }
    await tx.query(
      `INSERT INTO gov_reference_loads (source, version)
       VALUES ('departments.json', $1), ('categories.json', $2), ('areas', $3)
       ON CONFLICT (source) DO UPDATE SET version = EXCLUDED.version, loaded_at = now()`,
      [departments.sha256, catalogue.sha256, v.areas],
    );
    await bumpDataVersion(tx, 'governance');
  });
}

/** One office per subdistrict, one workstation per community; those whose area is gone go inactive. */
async function syncAreaAgencies(tx: Db): Promise<void> {
  await tx.query(
    `INSERT INTO gov_agencies (code, name, name_en, kind, area_id)
     SELECT CASE level WHEN 'subdistrict' THEN 'office-' ELSE 'station-' END || id,
            name || CASE level WHEN 'subdistrict' THEN '办事处' ELSE '工作站' END,
            CASE level WHEN 'subdistrict' THEN 'Subdistrict office ' ELSE 'Community workstation ' END || id,
            CASE level WHEN 'subdistrict' THEN 'subdistrict_office' ELSE 'community_workstation' END,
            id
       FROM areas WHERE level IN ('subdistrict', 'community')
     ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, area_id = EXCLUDED.area_id, active = true,
       updated_at = now()
     WHERE (gov_agencies.name, gov_agencies.active) IS DISTINCT FROM (EXCLUDED.name, true)`,
  );
  await tx.query(
    `UPDATE gov_agencies g SET active = false, updated_at = now()
      WHERE kind IN ('subdistrict_office', 'community_workstation') AND active
        AND NOT EXISTS (SELECT 1 FROM areas a WHERE a.id = g.area_id)`,
  );
}

export interface CategoryRow {
  code: string;
  name: string;
  name_en: string;
  group_code: string;
  group_name: string;
  group_name_en: string;
  agency_code: string;
  event_level: EventLevel;
  dispatch_mode: DispatchMode;
  response_minutes: number;
  feedback_minutes: number;
  resolve_hours: number;
  keywords: string[];
  description: string;
  active: boolean;
  edited_by: string | null;
  updated_at: Date | string;
}

export function toCategory(r: CategoryRow): Category {
  return {
    code: r.code,
    name: r.name,
    nameEn: r.name_en,
    group: { code: r.group_code, name: r.group_name, nameEn: r.group_name_en },
    agency: r.agency_code,
    eventLevel: r.event_level,
    dispatchMode: r.dispatch_mode,
    serviceLevels: {
      responseMinutes: r.response_minutes,
      feedbackMinutes: r.feedback_minutes,
      resolveHours: r.resolve_hours,
    },
    keywords: r.keywords,
    description: r.description,
    active: r.active,
    editedBy: r.edited_by,
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

interface AgencyRow {
  code: string;
  name: string;
  name_en: string;
  kind: AgencyKind;
  area_id: string | null;
  zoning: Zoning | null;
  active: boolean;
}

const toAgency = (r: AgencyRow): Agency => ({
  code: r.code,
  name: r.name,
  nameEn: r.name_en,
  kind: r.kind,
  areaId: r.area_id,
  zoning: r.zoning,
  active: r.active,
});

async function loadReference(db: Db, version: string): Promise<GovernanceReference> {
  const categories = await db.query<CategoryRow>('SELECT * FROM gov_categories ORDER BY group_code, code');
  const agencies = await db.query<AgencyRow>('SELECT * FROM gov_agencies ORDER BY kind, code');
  const zoneRows = await db.query<{
    agency_code: string;
    zone_id: string;
    name: string;
    area_ids: string[];
    bbox: BBox;
    geometry: AreaGeometry;
  }>(
    'SELECT agency_code, zone_id, name, area_ids, bbox, geometry FROM gov_handling_zones ORDER BY agency_code, zone_id',
  );
  const zones = new Map<string, HandlingZone[]>();
  for (const z of zoneRows) {
    const list = zones.get(z.agency_code) ?? [];
    list.push({
      agency: z.agency_code,
      zoneId: z.zone_id,
      name: z.name,
      areaIds: z.area_ids,
      bbox: z.bbox,
      geometry: z.geometry,
    });
    zones.set(z.agency_code, list);
  }
  return {
    version,
    categories: new Map(categories.map((r) => [r.code, toCategory(r)])),
    agencies: new Map(agencies.map((r) => [r.code, toAgency(r)])),
    zones,
  };
}
