// The demo's residents: households living in the rooms of the residential buildings, registered (户籍)
// families mostly in the estates, floating (流动) renters mostly in the urban villages, with an age
// pyramid that comes from how households are made (young workers, families, three generations), and
// what changed in the month between the two deliveries (moves, births, arrivals, departures, deaths).
// Each building draws from its own stream, so people only change where their building does.
import { type DemoBuilding, type DemoRoom, roomsOf } from '../addresses.ts';
import { createRng, type Rng } from '../random.ts';
import { DELIVERY_1, DELIVERY_2 } from './dates.ts';
import { picker } from './draw.ts';
import type { Identities } from './identities.ts';
import {
  FEMALE_NAME_CHARS,
  HOME_REGIONS,
  MALE_NAME_CHARS,
  NATIONS,
  type Region,
  SHENZHEN_REGIONS,
  SURNAMES,
} from './vocabulary.ts';

export type Residency = 'registered' | 'floating' | 'nonresident';
export type Sex = 'male' | 'female';
export type Relation = '户主' | '配偶' | '子' | '女' | '父亲' | '母亲' | '儿媳' | '女婿' | '孙子' | '孙女';
/** What happened to a person between the deliveries. */
export type Change = 'moved' | 'born' | 'arrived' | 'moved-out' | 'died';

/** A room, or a whole building (village houses, schools). */
export interface Place {
  building: DemoBuilding;
  room: DemoRoom | null;
}

export const placeId = (place: Place): string => place.room?.id ?? place.building.id;

export interface Person {
  id: string;
  name: string;
  sex: Sex;
  /** Day number (dates.ts). */
  birth: number;
  residency: Residency;
  /** Index into `households`; -1 for nonresidents. */
  household: number;
  relation: Relation;
  /** Mobile number, or '' (children, some of the very old). */
  phone: string;
  nation: string;
  /** Day of registration (迁入) or of moving in. */
  since: number;
  change: Change | null;
  changeDay: number;
}

export interface Household {
  /** 9-digit household number (户号) for registered households, `L…` for floating ones. */
  id: string;
  residency: 'registered' | 'floating';
  home: Place;
  tenure: 'owner' | 'tenant';
  /** Person indices, head first. */
  members: number[];
  /** Where the household lives after the month, when it moved. */
  movedTo: Place | null;
  /** A household that arrived in the month (new registration). */
  arrived: boolean;
}

export interface Population {
  people: Person[];
  households: Household[];
  /** Village buildings whose owner family lives in one of its rooms: building id → household. */
  villageOwners: Map<string, number>;
  /** Empty residential rooms on the first delivery day. */
  vacant: Place[];
}

/** Buildings people live in; offices and annexes (shops, clubhouses) have no residents. */
export const RESIDENTIAL_KINDS: ReadonlySet<DemoBuilding['kind']> = new Set([
  'village',
  'lowrise',
  'highrise',
]);

const DAYS_PER_YEAR = 365.2425;

/** A birth day for someone `age` years old on the first delivery day. */
function birthFor(rng: Rng, age: number): number {
  return DELIVERY_1 - Math.floor((age + rng.next()) * DAYS_PER_YEAR);
}

/** Surname ranks fall off like real frequencies: 王李张刘陈 hold about a third. */
const SURNAME_WEIGHTS = SURNAMES.map((_, rank) => 1 / (rank + 4));
const SURNAME_TOTAL = SURNAME_WEIGHTS.reduce((a, b) => a + b, 0);

function surname(rng: Rng): string {
  let roll = rng.next() * SURNAME_TOTAL;
  for (let i = 0; i < SURNAMES.length; i++) {
    roll -= SURNAME_WEIGHTS[i]!;
    if (roll < 0) return SURNAMES[i]!;
  }
  return SURNAMES[0]!;
}

function givenName(rng: Rng, sex: Sex): string {
  const chars = sex === 'male' ? MALE_NAME_CHARS : FEMALE_NAME_CHARS;
  return rng.chance(0.25) ? rng.pick(chars) : `${rng.pick(chars)}${rng.pick(chars)}`;
}

function weightedRegion(rng: Rng, regions: readonly Region[]): Region {
  const total = regions.reduce((sum, r) => sum + r.weight, 0);
  let roll = rng.next() * total;
  for (const region of regions) {
    roll -= region.weight;
    if (roll < 0) return region;
  }
  return regions[regions.length - 1]!;
}

const homeRegion = (rng: Rng): string => weightedRegion(rng, HOME_REGIONS).code;

interface Member {
  sex: Sex;
  age: number;
  relation: Relation;
  /** Takes the surname of this earlier member (index), or draws its own. */
  surnameOf: number | null;
}

type HouseholdType =
  | 'single'
  | 'single-old'
  | 'couple'
  | 'old-couple'
  | 'family'
  | 'three-generations'
  | 'old-with-children'
  | 'single-parent';

const MIX_WEIGHTS: Record<string, Record<HouseholdType, number>> = {
  'estate-registered': {
    single: 8,
    'single-old': 4,
    couple: 8,
    'old-couple': 6,
    family: 33,
    'three-generations': 22,
    'old-with-children': 7,
    'single-parent': 5,
  },
  'estate-floating': {
    single: 24,
    'single-old': 1,
    couple: 20,
    'old-couple': 1,
    family: 40,
    'three-generations': 9,
    'old-with-children': 0,
    'single-parent': 5,
  },
  'village-floating': {
    single: 46,
    'single-old': 1,
    couple: 22,
    'old-couple': 1,
    family: 25,
    'three-generations': 0,
    'old-with-children': 0,
    'single-parent': 5,
  },
  'village-registered': {
    single: 0,
    'single-old': 10,
    couple: 0,
    'old-couple': 15,
    family: 40,
    'three-generations': 35,
    'old-with-children': 0,
    'single-parent': 0,
  },
};

const MIX = Object.fromEntries(
  Object.entries(MIX_WEIGHTS).map(([k, weights]) => [k, picker(weights)]),
) as Record<keyof typeof MIX_WEIGHTS, (rng: Rng) => HouseholdType>;

const other = (sex: Sex): Sex => (sex === 'male' ? 'female' : 'male');
const childRelation = (sex: Sex): Relation => (sex === 'male' ? '子' : '女');

/** Who lives together: ages, sexes and relations to the head, before names and IDs. */
function compose(rng: Rng, type: HouseholdType): Member[] {
  const sex: Sex = rng.chance(0.72) ? 'male' : 'female';
  const head = (age: number, s: Sex = sex): Member => ({ sex: s, age, relation: '户主', surnameOf: null });
  const spouse = (headAge: number): Member => ({
    sex: other(sex),
    age: Math.max(20, headAge + rng.int(-5, 3) * (sex === 'male' ? 1 : -1)),
    relation: '配偶',
    surnameOf: null,
  });
  // Children carry the father's surname: the head's when he is the father, else the spouse's.
  const children = (parentAge: number, count: number, father: number): Member[] =>
    Array.from({ length: count }, () => {
      const s: Sex = rng.chance(0.52) ? 'male' : 'female';
      return {
        sex: s,
        age: rng.int(Math.max(0, parentAge - 42), Math.max(0, Math.min(parentAge - 23, 24))),
        relation: childRelation(s),
        surnameOf: father,
      };
    });
  const kids = () => (rng.chance(0.55) ? 1 : rng.chance(0.85) ? 2 : 3);
  switch (type) {
    case 'single': {
      const s: Sex = rng.chance(0.58) ? 'male' : 'female';
      return [head(rng.int(19, 42), s)];
    }
    case 'single-old': {
      const s: Sex = rng.chance(0.35) ? 'male' : 'female';
      return [head(rng.int(62, 95), s)];
    }
    case 'couple': {
      const age = rng.int(23, 42);
      return [head(age), spouse(age)];
    }
    case 'old-couple': {
      const age = rng.int(56, 88);
      return [head(age), spouse(age)];
    }
    case 'family':
    case 'three-generations': {
      const age = rng.int(28, 55);
      const members = [head(age), spouse(age)];
      members.push(...children(Math.min(age, members[1]!.age), kids(), sex === 'male' ? 0 : 1));
      if (type === 'three-generations') {
        const parentAge = Math.min(98, age + rng.int(24, 34));
        const roll = rng.next(); // both parents, the father alone or the mother alone
        if (roll < 0.7) members.push({ sex: 'male', age: parentAge, relation: '父亲', surnameOf: 0 });
        if (roll < 0.5 || roll >= 0.7)
          members.push({ sex: 'female', age: parentAge - rng.int(0, 4), relation: '母亲', surnameOf: null });
      }
      return members;
    }
    case 'old-with-children': {
      const age = rng.int(60, 88);
      const members = [head(age)];
      if (rng.chance(0.7)) members.push(spouse(age));
      const childSex: Sex = rng.chance(0.55) ? 'male' : 'female';
      const childAge = rng.int(24, Math.min(50, age - 22));
      members.push({ sex: childSex, age: childAge, relation: childRelation(childSex), surnameOf: 0 });
      const child = members.length - 1;
      if (rng.chance(0.6)) {
        members.push({
          sex: other(childSex),
          age: Math.max(22, childAge + rng.int(-4, 4)),
          relation: childSex === 'male' ? '儿媳' : '女婿',
          surnameOf: null,
        });
        const son = childSex === 'male' ? child : members.length - 1;
        for (let i = rng.int(0, 2); i > 0; i--) {
          const s: Sex = rng.chance(0.52) ? 'male' : 'female';
          members.push({
            sex: s,
            age: rng.int(0, Math.max(0, Math.min(childAge - 23, 15))),
            relation: s === 'male' ? '孙子' : '孙女',
            surnameOf: son,
          });
        }
      }
      return members;
    }
    case 'single-parent': {
      const s: Sex = rng.chance(0.25) ? 'male' : 'female';
      const age = rng.int(28, 50);
      return [head(age, s), ...children(age, 1, 0)];
    }
  }
}

export interface PopulationContext {
  seed: number;
  ids: Identities;
}

interface Builder extends PopulationContext {
  population: Population;
  registeredSeq: number;
  floatingSeq: number;
}

/** The region a person's ID was issued in: Shenzhen for the registered born here, the family's home otherwise. */
function regionFor(rng: Rng, registered: boolean, age: number, home: string): string {
  if (registered && age <= 40 && rng.chance(0.8)) return weightedRegion(rng, SHENZHEN_REGIONS).code;
  if (!registered && age <= 12) return home; // floating children are registered at the family's home
  return rng.chance(0.85) ? home : homeRegion(rng);
}

function addHousehold(
  b: Builder,
  rng: Rng,
  type: HouseholdType,
  residency: 'registered' | 'floating',
  home: Place,
  tenure: 'owner' | 'tenant',
  moveIn: { earliest: number; latest: number },
  arrived = false,
): number {
  const { people, households } = b.population;
  const index = households.length;
  const id =
    residency === 'registered'
      ? String(100_000_000 + ++b.registeredSeq)
      : `L${String(++b.floatingSeq).padStart(9, '0')}`;
  const members = compose(rng, type);
  const origin = homeRegion(rng);
  const since = rng.int(moveIn.earliest, moveIn.latest);
  const household: Household = { id, residency, home, tenure, members: [], movedTo: null, arrived };
  const names: string[] = [];
  for (const m of members) {
    const family = m.surnameOf === null ? surname(rng) : names[m.surnameOf]!;
    names.push(family);
    const birth = birthFor(rng, m.age);
    const person: Person = {
      id: b.ids.residentId(rng, regionFor(rng, residency === 'registered', m.age, origin), birth, m.sex),
      name: `${family}${givenName(rng, m.sex)}`,
      sex: m.sex,
      birth,
      residency,
      household: index,
      relation: m.relation,
      phone: m.age >= 16 && (m.age < 85 || rng.chance(0.5)) ? b.ids.mobile(rng) : '',
      nation: rng.chance(0.96) ? NATIONS[0]! : rng.pick(NATIONS),
      since: Math.max(since, birth),
      change: arrived ? 'arrived' : null,
      changeDay: arrived ? since : 0,
    };
    household.members.push(people.length);
    people.push(person);
  }
  households.push(household);
  return index;
}

/** Scale 1 has about 1.55 million residents in ~525,000 residential rooms. */
const VACANT = { village: 0.02, estate: 0.02 };
const REGISTERED_IN_ESTATES = { lowrise: 0.72, highrise: 0.64 };
/** Share of village buildings whose owner family lives on the top floor. */
const VILLAGER_LIVES_IN = 0.45;

export function buildPopulation(ctx: PopulationContext, buildings: readonly DemoBuilding[]): Population {
  const b: Builder = {
    ...ctx,
    population: { people: [], households: [], villageOwners: new Map(), vacant: [] },
    registeredSeq: 0,
    floatingSeq: 0,
  };
  const longAgo = { earliest: DELIVERY_1 - 25 * 365, latest: DELIVERY_1 - 30 };
  const recently = { earliest: DELIVERY_1 - 8 * 365, latest: DELIVERY_1 - 7 };
  for (const building of buildings) {
    if (!RESIDENTIAL_KINDS.has(building.kind)) continue;
    const rng = createRng(ctx.seed, `feeds/people/${building.id}`);
    const rooms = [...roomsOf(building)];
    if (building.kind === 'village') {
      const ownerRoom = rng.chance(VILLAGER_LIVES_IN) ? rooms.length - 1 : -1;
      rooms.forEach((room, i) => {
        if (room.floor === '1') return; // ground floors are shops (entities.ts)
        const home = { building, room };
        if (i === ownerRoom) {
          const type = MIX['village-registered']!(rng);
          const h = addHousehold(b, rng, type, 'registered', home, 'owner', longAgo);
          b.population.villageOwners.set(building.id, h);
          return;
        }
        if (rng.chance(VACANT.village)) {
          b.population.vacant.push(home);
          return;
        }
        // Roommates rent a room together: each is a household of one.
        const roommates = rng.chance(0.55) ? rng.int(2, 3) : 1;
        for (let r = 0; r < roommates; r++) {
          const type = roommates > 1 ? 'single' : MIX['village-floating']!(rng);
          addHousehold(b, rng, type, 'floating', home, 'tenant', recently);
        }
      });
      continue;
    }
    const registeredShare = REGISTERED_IN_ESTATES[building.kind as 'lowrise' | 'highrise'];
    for (const room of rooms) {
      const home = { building, room };
      if (rng.chance(VACANT.estate)) {
        b.population.vacant.push(home);
        continue;
      }
      if (rng.chance(registeredShare)) {
        const tenure = rng.chance(0.8) ? 'owner' : 'tenant';
        addHousehold(b, rng, MIX['estate-registered']!(rng), 'registered', home, tenure, longAgo);
      } else {
        const tenure = rng.chance(0.08) ? 'owner' : 'tenant';
        addHousehold(b, rng, MIX['estate-floating']!(rng), 'floating', home, tenure, recently);
        // Flat shares (合租): a second household of young renters in the same flat.
        if (tenure === 'tenant' && rng.chance(0.42))
          addHousehold(b, rng, rng.chance(0.7) ? 'single' : 'couple', 'floating', home, 'tenant', recently);
      }
    }
  }
  applyChanges(b);
  return b.population;
}

/** Monthly rates of what the second delivery shows. */
const MONTHLY = {
  householdMoves: 0.008,
  /** Births per registered household with a mother of 24–40. */
  births: 0.012,
  arrivalsPerThousandHouseholds: 0.6,
  movedOutHouseholds: 0.0015,
  /** Deaths per person over 75. */
  deathsOver75: 0.004,
};

function applyChanges(b: Builder): void {
  const rng = createRng(b.seed, 'feeds/people/changes');
  const { people, households, vacant } = b.population;
  const dayInMonth = () => rng.int(DELIVERY_1 + 1, DELIVERY_2);
  const free = [...vacant];
  const takeVacant = (): Place | null => {
    if (free.length === 0) return null;
    const i = rng.int(0, free.length - 1);
    const [place] = free.splice(i, 1);
    return place!;
  };
  const existing = households.length;
  for (let h = 0; h < existing; h++) {
    const household = households[h]!;
    const head = people[household.members[0]!]!;
    if (rng.chance(MONTHLY.householdMoves)) {
      const to = takeVacant();
      if (to) {
        household.movedTo = to;
        const day = dayInMonth();
        for (const m of household.members) Object.assign(people[m]!, { change: 'moved', changeDay: day });
        continue;
      }
    }
    if (household.residency !== 'registered') continue;
    if (rng.chance(MONTHLY.movedOutHouseholds)) {
      const day = dayInMonth();
      for (const m of household.members) Object.assign(people[m]!, { change: 'moved-out', changeDay: day });
      continue;
    }
    for (const m of household.members) {
      const person = people[m]!;
      if (DELIVERY_1 - person.birth > 75 * DAYS_PER_YEAR && rng.chance(MONTHLY.deathsOver75))
        Object.assign(person, { change: 'died', changeDay: dayInMonth() });
    }
    const mother = household.members.find((m) => {
      const p = people[m]!;
      const age = (DELIVERY_1 - p.birth) / DAYS_PER_YEAR;
      return p.sex === 'female' && (p.relation === '户主' || p.relation === '配偶') && age >= 24 && age <= 40;
    });
    if (mother !== undefined && rng.chance(MONTHLY.births)) {
      const sex: Sex = rng.chance(0.52) ? 'male' : 'female';
      const father = household.members.find(
        (m) =>
          people[m]!.sex === 'male' && (people[m]!.relation === '户主' || people[m]!.relation === '配偶'),
      );
      const family = (father === undefined ? head : people[father]!).name.slice(0, 1);
      const birth = dayInMonth();
      household.members.push(people.length);
      people.push({
        id: b.ids.residentId(rng, '440304', birth, sex),
        name: `${family}${givenName(rng, sex)}`,
        sex,
        birth,
        residency: 'registered',
        household: h,
        relation: childRelation(sex),
        phone: '',
        nation: head.nation,
        since: birth,
        change: 'born',
        changeDay: birth,
      });
    }
  }
  const arrivals = Math.round((existing * MONTHLY.arrivalsPerThousandHouseholds) / 1000);
  for (let i = 0; i < arrivals; i++) {
    const home = takeVacant();
    if (!home) break;
    const type = MIX['estate-registered']!(rng);
    const day = { earliest: DELIVERY_1 + 1, latest: DELIVERY_2 };
    addHousehold(b, rng, type, 'registered', home, 'owner', day, true);
  }
}

/** Whether a person is on the register on a day: there by then and not yet gone. */
export function presentOn(person: Person, day: number): boolean {
  if (person.residency === 'nonresident') return false;
  if ((person.change === 'born' || person.change === 'arrived') && person.changeDay > day) return false;
  if ((person.change === 'moved-out' || person.change === 'died') && person.changeDay <= day) return false;
  return true;
}

/** Where a household lives on a day. */
export function homeOn(household: Household, people: readonly Person[], day: number): Place {
  if (!household.movedTo) return household.home;
  const moved = people[household.members[0]!]!.changeDay;
  return moved <= day ? household.movedTo : household.home;
}

/** Someone a department knows who does not live in the district: an owner, a legal representative, a parent. */
export function addNonresident(
  population: Population,
  ids: Identities,
  rng: Rng,
  options: { minAge: number; maxAge: number; sex?: Sex; surname?: string },
): number {
  const sex = options.sex ?? (rng.chance(0.6) ? 'male' : 'female');
  const birth = birthFor(rng, rng.int(options.minAge, options.maxAge));
  const region = rng.chance(0.3) ? weightedRegion(rng, SHENZHEN_REGIONS).code : homeRegion(rng);
  population.people.push({
    id: ids.residentId(rng, region, birth, sex),
    name: `${options.surname ?? surname(rng)}${givenName(rng, sex)}`,
    sex,
    birth,
    residency: 'nonresident',
    household: -1,
    relation: '户主',
    phone: ids.mobile(rng),
    nation: NATIONS[0]!,
    since: birth,
    change: null,
    changeDay: 0,
  });
  return population.people.length - 1;
}
