// Legal entities of the demo district: companies in the office towers (often several registered in one
// room), individual businesses in ground-floor shops and at their owner's home, branches, village
// joint-stock companies, social organisations. Scale 1 has about 300,000. Each has a legal
// representative from the population (or a nonresident), a founding date weighted to the years after
// the 2014 commercial-registration reform, and revenue with a long tail: a few thousand over 50 million.
import type { DemoBuilding, DemoRoom } from '../addresses.ts';
import { roomsOf } from '../addresses.ts';
import { URBAN_VILLAGES } from '../names.ts';
import { createRng, type Rng } from '../random.ts';
import { ageAt, DELIVERY_1, dayOf } from './dates.ts';
import { logNormal, picker } from './draw.ts';
import type { Identities } from './identities.ts';
import { addNonresident, type Place, type Population } from './population.ts';
import { type Industry, OFFICE_INDUSTRIES, SHOP_INDUSTRIES, TRADE_CHARS } from './vocabulary.ts';

export type EntityKind =
  | 'company'
  | 'joint-stock'
  | 'sole-proprietorship'
  | 'partnership'
  | 'branch'
  | 'individual'
  | 'institution'
  | 'social-org';

export type EntityStatus = '存续' | '吊销' | '注销' | '迁出';

export interface LegalEntity {
  code: string;
  name: string;
  kind: EntityKind;
  /** Person index of the legal representative (负责人, 经营者). */
  rep: number;
  registered: Place;
  operating: Place;
  industry: Industry;
  /** Registered capital in yuan. */
  capital: number;
  founded: number;
  status: EntityStatus;
  statusDay: number;
  /** Business term in years; null = 长期. */
  term: number | null;
  /** Revenue of the last tax year in yuan; 0 for entities not trading. */
  revenue: number;
  /** Insured employees; set once employment is drawn (social insurance). */
  employees: number;
}

export const ENTITIES_AT_SCALE_1 = 300_000;

const kindOf = picker<Exclude<EntityKind, 'institution'>>({
  company: 66,
  'joint-stock': 1.5,
  'sole-proprietorship': 2,
  partnership: 3,
  branch: 3.5,
  individual: 23.3,
  'social-org': 0.7,
});

/** Code prefixes: registration authority (9 market regulation, 1 编办, 5 民政) and type. */
const CODE_PREFIX: Record<EntityKind, string> = {
  company: '91',
  'joint-stock': '91',
  'sole-proprietorship': '91',
  partnership: '91',
  branch: '91',
  individual: '92',
  institution: '12',
  'social-org': '52',
};

/** Commercial registration is Shenzhen's (440300); institutions and social organisations are Futian's. */
const codeDivision = (kind: EntityKind): string => (CODE_PREFIX[kind].startsWith('9') ? '440300' : '440304');

/** The day the unified social credit code replaced organisation codes for new registrations. */
const REFORM = dayOf(2015, 10, 1);

export interface EntityContext {
  seed: number;
  scale: number;
  ids: Identities;
}

/** Rooms companies and shops can be registered at. */
export interface Premises {
  offices: Place[];
  shops: Place[];
}

function premisesOf(buildings: readonly DemoBuilding[]): Premises {
  const offices: Place[] = [];
  const shops: Place[] = [];
  for (const building of buildings) {
    if (building.kind === 'office') for (const room of roomsOf(building)) offices.push({ building, room });
    else if (building.kind === 'annex') for (const room of roomsOf(building)) shops.push({ building, room });
    else if (building.kind === 'village')
      for (const room of groundFloor(building)) shops.push({ building, room });
  }
  return { offices, shops };
}

function* groundFloor(building: DemoBuilding): Generator<DemoRoom> {
  for (const room of roomsOf(building)) {
    if (room.floor !== '1') return;
    yield room;
  }
}

/** Residents old enough to run a business, by person index. */
function adultsOf(population: Population, minAge: number, maxAge: number): number[] {
  const out: number[] = [];
  population.people.forEach((p, i) => {
    if (p.residency === 'nonresident' || p.change === 'born' || p.change === 'arrived') return;
    const age = ageAt(p.birth, DELIVERY_1);
    if (age >= minAge && age <= maxAge) out.push(i);
  });
  return out;
}

/** Founding years lean hard to the last decade: registrations boomed after the 2014 reform. */
function foundedDay(rng: Rng): number {
  for (;;) {
    const year = rng.int(1985, 2026);
    const weight = year >= 2014 ? 1 : Math.exp((year - 2014) / 6);
    if (rng.chance(weight)) {
      const day = dayOf(year, 1, 1) + rng.int(0, 364);
      if (day < DELIVERY_1) return day;
    }
  }
}

const roundTo = (value: number, step: number) => Math.round(value / step) * step;

const CAPITALS_WAN = [
  1, 3, 5, 10, 10, 10, 20, 30, 50, 50, 100, 100, 100, 200, 300, 500, 500, 1000, 1000, 5000,
];

const SHOP_PREFIXES = ['老', '小', '阿', '佳', '好', '福', '鑫', '新', '惠', '乐'];

export interface Entities {
  entities: LegalEntity[];
  premises: Premises;
}

export function buildEntities(
  ctx: EntityContext,
  buildings: readonly DemoBuilding[],
  population: Population,
): Entities {
  const rng = createRng(ctx.seed, 'feeds/entities');
  const premises = premisesOf(buildings);
  const names = new Set<string>();
  const entities: LegalEntity[] = [];
  const reps = adultsOf(population, 25, 68);
  const homes = adultsOf(population, 22, 60);

  // Collisions make the trade name longer: the make function sees how many tries came before.
  const uniqueName = (make: (attempt: number) => string): string => {
    for (let attempt = 0; ; attempt++) {
      const name = make(attempt);
      if (!names.has(name)) {
        names.add(name);
        return name;
      }
    }
  };
  const tradeName = (attempt: number) => {
    let name = `${rng.pick(TRADE_CHARS)}${rng.pick(TRADE_CHARS)}`;
    for (let n = (rng.chance(0.45) ? 1 : 0) + Math.floor(attempt / 3); n > 0; n--)
      name += rng.pick(TRADE_CHARS);
    return name;
  };
  const rep = (resident: number) =>
    rng.chance(resident)
      ? rng.pick(reps)
      : addNonresident(population, ctx.ids, rng, { minAge: 28, maxAge: 66 });

  const add = (entity: Omit<LegalEntity, 'code' | 'status' | 'statusDay' | 'revenue' | 'employees'>) => {
    const roll = rng.next();
    const old = DELIVERY_1 - entity.founded > 3 * 365;
    const status: EntityStatus =
      !old || roll < 0.84 ? '存续' : roll < 0.93 ? '注销' : roll < 0.985 ? '吊销' : '迁出';
    const trading = status === '存续';
    const revenue = !trading
      ? 0
      : entity.kind === 'individual'
        ? roundTo(logNormal(rng, 180_000, 0.9), 0.01)
        : entity.kind === 'social-org'
          ? roundTo(logNormal(rng, 400_000, 1), 0.01)
          : roundTo(logNormal(rng, 1_200_000, 1.7), 0.01);
    const employees = !trading
      ? 0
      : entity.kind === 'individual'
        ? rng.chance(0.7)
          ? 0
          : rng.int(1, 5)
        : rng.chance(0.15)
          ? 0
          : Math.max(1, Math.round(logNormal(rng, 6, 1.3)));
    entities.push({
      ...entity,
      code: ctx.ids.creditCode(
        rng,
        CODE_PREFIX[entity.kind],
        codeDivision(entity.kind),
        entity.founded >= REFORM,
      ),
      status,
      statusDay: trading ? entity.founded : rng.int(entity.founded, DELIVERY_1 - 1),
      revenue: Math.round(revenue * 100) / 100,
      employees,
    });
    return entities.length - 1;
  };

  // Each urban village's collective became a joint-stock company that owns land and buildings.
  for (const village of URBAN_VILLAGES) {
    const office = rng.pick(premises.offices);
    add({
      name: uniqueName(() => `深圳市${village.name.replace(/村$/, '')}实业股份有限公司`),
      kind: 'joint-stock',
      rep: rep(1),
      registered: office,
      operating: office,
      industry: OFFICE_INDUSTRIES.find((i) => i.code === 'K7040')!,
      capital: rng.int(20, 200) * 1_000_000,
      founded: dayOf(1992, rng.int(1, 12), rng.int(1, 28)),
      term: null,
    });
  }

  const total = Math.round(ENTITIES_AT_SCALE_1 * ctx.scale);
  while (entities.length < total) {
    const kind = kindOf(rng);
    const founded = foundedDay(rng);
    if (kind === 'individual') {
      const industry = rng.pick(SHOP_INDUSTRIES);
      // Online shops and home services register at the owner's home; the rest rent a shop.
      const atHome = industry.code === 'F5292' || industry.code === 'O8011' || rng.chance(0.35);
      const owner = atHome ? rng.pick(homes) : rng.pick(reps);
      const person = population.people[owner]!;
      const place = atHome ? population.households[person.household]!.home : rng.pick(premises.shops);
      add({
        name: uniqueName((attempt) =>
          attempt < 2 && rng.chance(0.4)
            ? `深圳市福田区${person.name.slice(0, 1)}记${industry.word}`
            : `深圳市福田区${rng.pick(SHOP_PREFIXES)}${tradeName(attempt)}${industry.word}`,
        ),
        kind,
        rep: owner,
        registered: place,
        operating: place,
        industry,
        capital: rng.int(1, 50) * 10_000,
        founded,
        term: null,
      });
      continue;
    }
    const industry =
      kind === 'social-org' ? SHOP_INDUSTRIES.find((i) => i.code === 'P8393')! : rng.pick(OFFICE_INDUSTRIES);
    const registered = rng.chance(0.88) ? rng.pick(premises.offices) : rng.pick(premises.shops);
    const operating = rng.chance(0.85) ? registered : rng.pick(premises.offices);
    const name = {
      company: (n: number) => `深圳市${tradeName(n)}${industry.word}有限公司`,
      'joint-stock': (n: number) => `深圳${tradeName(n)}${industry.word}股份有限公司`,
      'sole-proprietorship': (n: number) => `深圳市福田区${tradeName(n)}${industry.word}（个人独资）`,
      partnership: (n: number) => `深圳${tradeName(n)}${industry.word}合伙企业（有限合伙）`,
      branch: (n: number) => `深圳市${tradeName(n)}${industry.word}有限公司福田分公司`,
      'social-org': (n: number) =>
        `深圳市福田区${tradeName(n)}${rng.pick(['培训中心', '社会工作服务中心', '促进会', '协会'])}`,
    }[kind];
    add({
      name: uniqueName(name),
      kind,
      rep: rep(kind === 'branch' ? 0.85 : 0.8),
      registered,
      operating,
      industry,
      capital:
        kind === 'branch'
          ? 0
          : kind === 'social-org'
            ? rng.int(3, 50) * 10_000
            : rng.pick(CAPITALS_WAN) * 10_000,
      founded,
      term: kind === 'social-org' || rng.chance(0.7) ? null : rng.pick([10, 20, 30, 50]),
    });
  }
  return { entities, premises };
}
