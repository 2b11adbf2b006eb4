// Everything the department feeds are written from, in memory and pure: people and households, legal
// entities, property and leases, licences, schools, births, jobs, city components and illegal
// construction, plus the seeds' Mr Zhang story planted in the middle of it.

import { roomsOf } from '../addresses.ts';
import type { DemoDistrict } from '../model.ts';
import { createRng } from '../random.ts';
import { type Birth, buildBirths } from './births.ts';
import {
  buildCases,
  buildComponents,
  type CityComponent,
  type IllegalConstruction,
  newCase,
} from './city.ts';
import { anniversary, DELIVERY_1, dayOf, ymdOf } from './dates.ts';
import { buildEmployment, type Employment } from './employment.ts';
import { buildEntities, type LegalEntity, type Premises } from './entities.ts';
import { createIdentities } from './identities.ts';
import { buildLicences, type Licence } from './licences.ts';
import { buildPopulation, type Place, type Population, placeId } from './population.ts';
import { buildProperty, type Property } from './property.ts';
import { buildSchools, type Schools } from './schools.ts';
import { OFFICE_INDUSTRIES } from './vocabulary.ts';

export interface FeedWorld extends Population, Property, Schools {
  district: DemoDistrict;
  entities: LegalEntity[];
  premises: Premises;
  licences: Licence[];
  births: Birth[];
  jobs: Employment[];
  components: CityComponent[];
  cases: IllegalConstruction[];
  story: Story;
  subdistrictNames: ReadonlyMap<string, string>;
  communityNames: ReadonlyMap<string, string>;
}

/** The seeds' story: filing a lease tells the district that Mr Zhang's father turns 70, his company
 * sold over 50 million and his rooftop extension is illegal. */
export interface Story {
  person: number;
  father: number;
  company: number;
  rental: number;
  case: number;
}

export function buildFeedWorld(district: DemoDistrict): FeedWorld {
  const { seed, scale } = district;
  const ids = createIdentities();
  const population = buildPopulation({ seed, ids }, district.buildings);
  const { entities, premises } = buildEntities({ seed, scale, ids }, district.buildings, population);
  const schools = buildSchools(
    seed,
    scale,
    ids,
    district.communities,
    district.buildings,
    population,
    entities,
  );
  const property = buildProperty(seed, ids, population, entities, district.buildings);
  const births = buildBirths(seed, ids, population);
  const jobs = buildEmployment(seed, population, entities);
  const subdistrictNames = new Map(district.subdistricts.map((a) => [a.id, a.name]));
  const communityNames = new Map(district.communities.map((a) => [a.id, a.name]));
  const world: FeedWorld = {
    district,
    ...population,
    entities,
    premises,
    ...property,
    ...schools,
    licences: buildLicences(seed, entities),
    births,
    jobs,
    components: buildComponents(seed, district.grids, district.buildings),
    cases: buildCases(seed, scale, district.buildings, property, subdistrictNames),
    story: { person: -1, father: -1, company: -1, rental: -1, case: -1 },
    subdistrictNames,
    communityNames,
  };
  world.story = plantStory(world, ids);
  return world;
}

/**
 * A three-generation household in an estate becomes the Zhangs: the father turns 70 twenty days after
 * the first delivery, the son runs an e-commerce company with 56.8 million yuan of sales, lets a second
 * flat whose lease is filed in October (the second delivery), and has a rooftop extension on file.
 */
function plantStory(world: FeedWorld, ids: ReturnType<typeof createIdentities>): Story {
  const rng = createRng(world.district.seed, 'feeds/story');
  const { people, households } = world;
  const household = households.find((h) => {
    if (h.residency !== 'registered' || h.tenure !== 'owner' || h.movedTo || h.arrived) return false;
    if (h.home.building.kind === 'village') return false;
    const members = h.members.map((m) => people[m]!);
    const head = members[0]!;
    const age = (DELIVERY_1 - head.birth) / 365.2425;
    return (
      head.sex === 'male' &&
      age >= 38 &&
      age <= 48 &&
      members.some((p) => p.relation === '父亲') &&
      members.every((p) => !p.change)
    );
  });
  if (!household) throw new Error('the demo district has no three-generation household for the story');
  const person = household.members[0]!;
  const father = household.members.find((m) => people[m]!.relation === '父亲')!;
  for (const m of household.members) {
    const p = people[m]!;
    if (m === person || m === father || p.relation === '子' || p.relation === '女')
      p.name = `张${p.name.slice(1)}`;
  }
  const seventieth = DELIVERY_1 + 20;
  const { month, day } = ymdOf(seventieth);
  const birth = dayOf(ymdOf(seventieth).year - 70, month, day);
  const dad = people[father]!;
  Object.assign(dad, { birth, id: ids.residentId(rng, dad.id.slice(0, 6), birth, 'male') });

  const office = rng.pick(world.premises.offices);
  const founded = dayOf(2017, 3, 15);
  world.entities.push({
    code: ids.creditCode(rng, '91', '440300', true),
    name: '深圳市鹏程优品电子商务有限公司',
    kind: 'company',
    rep: person,
    registered: office,
    operating: office,
    industry: OFFICE_INDUSTRIES.find((i) => i.code === 'F5292')!,
    capital: 5_000_000,
    founded,
    status: '存续',
    statusDay: founded,
    term: null,
    revenue: 56_800_000,
    employees: 38,
  });
  const company = world.entities.length - 1;

  // His second flat: a leased estate room whose lease now starts in October, filed by him as landlord.
  const rental = world.rentals.findIndex(
    (r) =>
      r.delivery === 1 &&
      r.status === '有效' &&
      r.tenant.kind === 'person' &&
      r.place.building.kind !== 'village' &&
      r.place.building !== household.home.building,
  );
  if (rental < 0) throw new Error('the demo district has no lease for the story');
  const lease = world.rentals[rental]!;
  const start = DELIVERY_1 + 5;
  Object.assign(lease, {
    landlord: { kind: 'person', index: person },
    start,
    end: anniversary(start, 1) - 1,
    filed: DELIVERY_1 + 8,
    delivery: 2,
    id: `深房租福田2026${String(world.rentals.length + 1).padStart(7, '0')}`,
  });
  world.ownerships[world.ownerOf.get(placeId(lease.place))!]!.owners = [{ kind: 'person', index: person }];

  let top: Place = household.home;
  for (const room of roomsOf(household.home.building)) top = { building: household.home.building, room };
  world.cases.push(
    newCase(
      rng,
      world.cases.length,
      top,
      { kind: 'person', index: person },
      DELIVERY_1 - 12,
      '责令整改',
      false,
      world.subdistrictNames,
      '楼顶加建',
    ),
  );
  return { person, father, company, rental, case: world.cases.length - 1 };
}
