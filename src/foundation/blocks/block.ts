// The block view (条数据向块数据): what the registries say about one area of any level — district,
// subdistrict, community or grid — panel by panel, the same numbers the command centre shows. Every
// registry row carries its grid, so an area is the set of grids below it; each panel is one
// set-based query over that set.
import { forbidden, invalidInput, notFound } from '../../lib/errors.ts';
import { type Ctx, coversArea, describeScope, requirePermission } from '../access/context.ts';
import type { AreaLevel } from '../areas/locator.ts';

/** Age bands of the population panel: [label, from age, to age (inclusive)]. */
export const AGE_BANDS: readonly (readonly [string, number, number])[] = [
  ['0-6', 0, 6],
  ['7-14', 7, 14],
  ['15-17', 15, 17],
  ['18-34', 18, 34],
  ['35-59', 35, 59],
  ['60-79', 60, 79],
  ['80+', 80, 200],
];

/** GB/T 4754-2017 sections (门类). */
export const INDUSTRY_SECTIONS: Readonly<Record<string, string>> = {
  A: '农、林、牧、渔业',
  B: '采矿业',
  C: '制造业',
  D: '电力、热力、燃气及水生产和供应业',
  E: '建筑业',
  F: '批发和零售业',
  G: '交通运输、仓储和邮政业',
  H: '住宿和餐饮业',
  I: '信息传输、软件和信息技术服务业',
  J: '金融业',
  K: '房地产业',
  L: '租赁和商务服务业',
  M: '科学研究和技术服务业',
  N: '水利、环境和公共设施管理业',
  O: '居民服务、修理和其他服务业',
  P: '教育',
  Q: '卫生和社会工作',
  R: '文化、体育和娱乐业',
  S: '公共管理、社会保障和社会组织',
  T: '国际组织',
};

export interface BlockView {
  area: { id: string; name: string; level: AreaLevel; path: string[] };
  /** The day ages and expiries are counted from (ISO date). */
  asOf: string;
  population: {
    total: number;
    byResidency: Record<string, number>;
    /** Age band → residency (registered, floating, unknown) → people. */
    byAgeBand: { band: string; registered: number; floating: number; unknown: number; total: number }[];
    unknownAge: number;
  };
  households: { total: number; byType: Record<string, number>; members: number; averageSize: number | null };
  companies: {
    total: number;
    active: number;
    /** Active entities per GB/T 4754 section; `?` for an unknown industry. */
    byIndustry: { section: string; name: string; count: number }[];
    byStatus: Record<string, number>;
  };
  rooms: {
    total: number;
    byUse: Record<string, number>;
    byRentalState: Record<string, number>;
    /** use → rental state → rooms. */
    byUseAndRentalState: Record<string, Record<string, number>>;
  };
  licences: {
    valid: number;
    expiringIn30Days: number;
    expiringIn90Days: number;
    /** Still marked valid although past their expiry date. */
    expiredButValid: number;
    byType: { type: string; valid: number; expiringIn30Days: number; expiringIn90Days: number }[];
  };
  components: {
    total: number;
    byType: { type: string; total: number; byState: Record<string, number> }[];
    byState: Record<string, number>;
  };
}

// The grids of the area: `$1` is the area id. Registry rows are keyed by grid, so every panel joins this.
const GRIDS = `SELECT id FROM areas WHERE $1::text = ANY(path)`;

const key = (v: string | null) => v ?? 'unknown';

export async function getBlock(
  ctx: Ctx,
  areaId: string,
  options: { asOf?: string | undefined } = {},
): Promise<BlockView> {
  requirePermission(ctx, 'registry:read');
  const asOf = options.asOf ?? new Date().toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf) || Number.isNaN(Date.parse(asOf)))
    throw invalidInput(`as-of date "${asOf}" is not YYYY-MM-DD`);
  const [area] = await ctx.db.query<{ id: string; name: string; level: AreaLevel; path: string[] }>(
    'SELECT id, name, level, path FROM areas WHERE id = $1',
    [areaId],
  );
  if (!area) throw notFound(`area ${areaId}`);
  if (!coversArea(ctx.actor, area.path))
    throw forbidden(`area ${areaId} is outside your scope ${describeScope(ctx.actor.scope)}`);
  const db = ctx.db;

  // Population: people living in the area now, by age band (whole years on asOf) and residency.
  const bands = AGE_BANDS.map(
    ([label, from, to]) => `WHEN age BETWEEN ${from} AND ${to} THEN '${label}'`,
  ).join(' ');
  const people = await db.query<{ band: string | null; residency: string | null; n: number }>(
    `SELECT CASE ${bands} END AS band, residency, count(*)::int AS n
       FROM (SELECT residency, extract(year FROM age($2::date, birth_date))::int AS age
               FROM people WHERE grid_id IN (${GRIDS}) AND coalesce(status, 'active') = 'active'
                 AND (birth_date IS NULL OR birth_date <= $2::date)) p
      GROUP BY 1, 2`,
    [areaId, asOf],
  );
  const byResidency: Record<string, number> = {};
  const byAgeBand = AGE_BANDS.map(([band]) => ({ band, registered: 0, floating: 0, unknown: 0, total: 0 }));
  let unknownAge = 0;
  for (const r of people) {
    byResidency[key(r.residency)] = (byResidency[key(r.residency)] ?? 0) + r.n;
    const band = byAgeBand.find((b) => b.band === r.band);
    if (!band) {
      unknownAge += r.n;
      continue;
    }
    const residency = r.residency === 'registered' || r.residency === 'floating' ? r.residency : 'unknown';
    band[residency] += r.n;
    band.total += r.n;
  }

  const households = await db.query<{ type: string | null; n: number; members: number }>(
    `SELECT h.type, count(*)::int AS n, coalesce(sum(m.members), 0)::int AS members
       FROM households h
       LEFT JOIN (SELECT district_id, household_id, count(*) AS members FROM people
                   WHERE household_id IS NOT NULL AND coalesce(status, 'active') = 'active'
                   GROUP BY district_id, household_id) m
         ON m.district_id = h.district_id AND m.household_id = h.id
      WHERE h.grid_id IN (${GRIDS}) GROUP BY h.type`,
    [areaId],
  );
  const householdTotal = households.reduce((n, h) => n + h.n, 0);
  const members = households.reduce((n, h) => n + h.members, 0);

  const companies = await db.query<{ section: string | null; status: string | null; n: number }>(
    `SELECT substring(industry from 1 for 1) AS section, status, count(*)::int AS n
       FROM legal_entities WHERE grid_id IN (${GRIDS}) GROUP BY 1, 2`,
    [areaId],
  );
  const bySection = new Map<string, number>();
  const byStatus: Record<string, number> = {};
  for (const c of companies) {
    byStatus[key(c.status)] = (byStatus[key(c.status)] ?? 0) + c.n;
    if (c.status !== 'active') continue;
    const section = c.section && INDUSTRY_SECTIONS[c.section] ? c.section : '?';
    bySection.set(section, (bySection.get(section) ?? 0) + c.n);
  }

  const rooms = await db.query<{ use: string | null; rental_state: string | null; n: number }>(
    `SELECT use, rental_state, count(*)::int AS n FROM room_facts WHERE grid_id IN (${GRIDS}) GROUP BY 1, 2`,
    [areaId],
  );
  const byUseAndRentalState: Record<string, Record<string, number>> = {};
  const byUse: Record<string, number> = {};
  const byRentalState: Record<string, number> = {};
  for (const r of rooms) {
    const u = key(r.use);
    const s = key(r.rental_state);
    byUse[u] = (byUse[u] ?? 0) + r.n;
    byRentalState[s] = (byRentalState[s] ?? 0) + r.n;
    byUseAndRentalState[u] = { ...byUseAndRentalState[u], [s]: (byUseAndRentalState[u]?.[s] ?? 0) + r.n };
  }

  const licences = await db.query<{
    type: string | null;
    valid: number;
    in30: number;
    in90: number;
    expired: number;
  }>(
    `SELECT type, count(*)::int AS valid,
            (count(*) FILTER (WHERE expires_on >= $2::date AND expires_on < $2::date + 30))::int AS in30,
            (count(*) FILTER (WHERE expires_on >= $2::date AND expires_on < $2::date + 90))::int AS in90,
            (count(*) FILTER (WHERE expires_on < $2::date))::int AS expired
       FROM licenses WHERE grid_id IN (${GRIDS}) AND status = 'valid' GROUP BY type ORDER BY type`,
    [areaId, asOf],
  );

  const components = await db.query<{ type: string | null; state: string | null; n: number }>(
    `SELECT type, state, count(*)::int AS n FROM city_components WHERE grid_id IN (${GRIDS})
      GROUP BY 1, 2 ORDER BY 1, 2`,
    [areaId],
  );
  const componentTypes = new Map<string, { type: string; total: number; byState: Record<string, number> }>();
  const componentStates: Record<string, number> = {};
  for (const c of components) {
    const t = key(c.type);
    const entry = componentTypes.get(t) ?? { type: t, total: 0, byState: {} };
    entry.total += c.n;
    entry.byState[key(c.state)] = (entry.byState[key(c.state)] ?? 0) + c.n;
    componentTypes.set(t, entry);
    componentStates[key(c.state)] = (componentStates[key(c.state)] ?? 0) + c.n;
  }

  const sum = (list: { n: number }[]) => list.reduce((n, r) => n + r.n, 0);
  return {
    area: { id: area.id, name: area.name, level: area.level, path: area.path },
    asOf,
    population: { total: sum(people), byResidency, byAgeBand, unknownAge },
    households: {
      total: householdTotal,
      byType: Object.fromEntries(households.map((h) => [key(h.type), h.n])),
      members,
      averageSize: householdTotal === 0 ? null : Math.round((members / householdTotal) * 100) / 100,
    },
    companies: {
      total: sum(companies),
      active: [...bySection.values()].reduce((a, b) => a + b, 0),
      byIndustry: [...bySection]
        .map(([section, count]) => ({
          section,
          name: INDUSTRY_SECTIONS[section] ?? '行业未知 unknown',
          count,
        }))
        .sort((a, b) => b.count - a.count || a.section.localeCompare(b.section)),
      byStatus,
    },
    rooms: { total: sum(rooms), byUse, byRentalState, byUseAndRentalState },
    licences: {
      valid: licences.reduce((n, l) => n + l.valid, 0),
      expiringIn30Days: licences.reduce((n, l) => n + l.in30, 0),
      expiringIn90Days: licences.reduce((n, l) => n + l.in90, 0),
      expiredButValid: licences.reduce((n, l) => n + l.expired, 0),
      byType: licences.map((l) => ({
        type: key(l.type),
        valid: l.valid,
        expiringIn30Days: l.in30,
        expiringIn90Days: l.in90,
      })),
    },
    components: {
      total: sum(components),
      byType: [...componentTypes.values()],
      byState: componentStates,
    },
  };
}
