// Fixtures for governance tests: the small two-district area tree of the address tests, the shipped
// catalogue, handling zones generated from the tree, and helpers to act as a given user.
import type { Db } from '../db/db.ts';
import { type Ctx, type Scope, systemCtx } from '../foundation/access/context.ts';
import type { Role } from '../foundation/access/roles.ts';
import { createUser } from '../foundation/access/users.ts';
import { POINTS, seedAreas } from '../foundation/address/testing.ts';
import { generateHandlingZones } from './agencies/agencies.ts';
import { ensureGovernance } from './reference.ts';
import type { NewServiceRequest } from './requests/model.ts';

export {
  FUBAO,
  FUBAO_COMMUNITY,
  FUBAO_GRID,
  FUTIAN,
  MINGYUE,
  MINGYUE_GRID_1,
  MINGYUE_GRID_2,
  NANSHAN,
  POINTS,
  SHATOU,
  XINSHA,
  XINSHA_GRID,
} from '../foundation/address/testing.ts';

/** Areas, catalogue and generated zones: a database ready for reports. */
export async function seedGovernance(db: Db): Promise<Ctx> {
  await seedAreas(db);
  const ctx = systemCtx(db);
  await ensureGovernance(db);
  await generateHandlingZones(ctx);
  return ctx;
}

let userCounter = 0;

/** A user with this role and scope, and a context acting as them. */
export async function actAs(db: Db, role: Role, scope: Scope, username?: string): Promise<Ctx> {
  userCounter += 1;
  const name = username ?? `gov-${role.replaceAll('_', '-')}-${userCounter}`;
  await createUser(systemCtx(db), { username: name, displayName: `Test ${role}`, role, scope });
  return { db, actor: { username: name, role, scope } };
}

/** A point `east` and `north` metres from a grid's test point. */
export function near(grid: keyof typeof POINTS, east = 0, north = 0): { lng: number; lat: number } {
  const [lng, lat] = POINTS[grid];
  return {
    lng: lng + east / (111_320 * Math.cos((lat * Math.PI) / 180)),
    lat: lat + north / 111_320,
  };
}

/** A report from the app at a grid's test point, with a reporter phone. */
export function report(
  category: string | null,
  grid: keyof typeof POINTS,
  extra: Partial<NewServiceRequest> = {},
): NewServiceRequest {
  return {
    channel: 'app',
    description: `测试诉求：${category ?? '未分类'}`,
    category,
    ...near(grid),
    reporter: { name: '张三', phone: '13812345678' },
    ...extra,
  };
}

/** Minutes after a time, as a Date. */
export const minutesAfter = (at: string | Date, minutes: number): Date =>
  new Date(new Date(at).getTime() + minutes * 60_000);

/**
 * How many of the requests a client was told were accepted are stored, and how many of those lack
 * their work order (a half-written intake; a linked duplicate has none by design): the durability
 * test's and the bench's check after a kill -9.
 */
export async function storedWhole(
  db: Db,
  ids: readonly string[],
): Promise<{ n: number; incomplete: number }> {
  const [row] = await db.query<{ n: number; incomplete: number }>(
    `SELECT count(*)::int AS n,
            count(*) FILTER (WHERE r.duplicate_of IS NULL AND NOT EXISTS (
              SELECT 1 FROM gov_work_orders w WHERE w.district_id = r.district_id AND w.request_id = r.id))::int
              AS incomplete
       FROM gov_requests r WHERE r.id = ANY ($1::bigint[])`,
    [ids],
  );
  return row!;
}
