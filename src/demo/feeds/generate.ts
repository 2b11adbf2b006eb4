// Writes the department feeds of the demo district and their truth:
//   feeds/<source>_<yyyymmdd>.csv            one file per source and delivery (SOURCES.md)
//   truth/feeds/<same name>.csv              per row: entity, address, related entities, errors
//   truth/feeds/errors.csv                   every injected error with its detail
//   truth/feeds/people.csv, households.csv, entities.csv, stories.json
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DemoDistrict } from '../model.ts';
import { createRng } from '../random.ts';
import { anniversary, DELIVERY_1, DELIVERY_2, formatDay, stamp } from './dates.ts';
import { placeId } from './population.ts';
import { csvLine, type Encoding, type ErrorKind, openEncoded, openErrorLog, openFeed } from './sink.ts';
import type { SourceSpec } from './source.ts';
import { egovLicence, marketRegistration, socialInsuranceEmployer, taxRevenue } from './source-business.ts';
import {
  educationEnrolment,
  educationSchool,
  urbanComponent,
  urbanIllegalConstruction,
} from './source-city.ts';
import {
  civilElderly,
  civilSubsidy,
  healthBirth,
  policeFloating,
  policeHousehold,
  socialInsurancePerson,
} from './source-people.ts';
import { housingOwnership, housingRental } from './source-property.ts';
import { buildFeedWorld, type FeedWorld } from './world.ts';

export const SOURCES: readonly SourceSpec[] = [
  policeHousehold,
  policeFloating,
  civilElderly,
  civilSubsidy,
  housingRental,
  housingOwnership,
  marketRegistration,
  egovLicence,
  taxRevenue,
  socialInsuranceEmployer,
  socialInsurancePerson,
  healthBirth,
  educationSchool,
  educationEnrolment,
  urbanComponent,
  urbanIllegalConstruction,
];

export const FEED_TRUTH = {
  dir: 'truth/feeds',
  errors: 'truth/feeds/errors.csv',
  people: 'truth/feeds/people.csv',
  households: 'truth/feeds/households.csv',
  entities: 'truth/feeds/entities.csv',
  stories: 'truth/feeds/stories.json',
} as const;

export interface FeedFileEntry {
  source: string;
  /** Under `<outDir>/feeds/`; its truth has the same name under `truth/feeds/`. */
  file: string;
  delivery: string;
  encoding: Encoding;
  rows: number;
}

export interface FeedsManifest {
  deliveries: string[];
  files: FeedFileEntry[];
  rows: number;
  counts: {
    residents: number;
    registered: number;
    floating: number;
    /** People departments know who live outside the district (owners, representatives, parents). */
    nonresidents: number;
    households: number;
    entities: number;
  };
  errors: Record<string, Partial<Record<ErrorKind, number>>>;
}

export interface FeedOptions {
  seed: number;
  scale: number;
  outDir: string;
  district: DemoDistrict;
}

export const feedFileName = (source: string, delivery: number): string => `${source}_${stamp(delivery)}.csv`;

export async function generateFeeds({ seed, scale, outDir, district }: FeedOptions): Promise<FeedsManifest> {
  if (district.seed !== seed || district.scale !== scale)
    throw new Error('generateFeeds: the district was built with another seed or scale');
  const world = buildFeedWorld(district);
  await mkdir(join(outDir, 'feeds'), { recursive: true });
  await mkdir(join(outDir, FEED_TRUTH.dir), { recursive: true });
  const names = { subdistrict: world.subdistrictNames, community: world.communityNames };
  const errors = openErrorLog(join(outDir, FEED_TRUTH.errors));
  const files: FeedFileEntry[] = [];
  for (const spec of SOURCES) {
    for (const [i, delivery] of spec.deliveries.entries()) {
      const file = feedFileName(spec.source, delivery);
      const feed = openFeed(
        join(outDir, 'feeds', file),
        join(outDir, FEED_TRUTH.dir, file),
        { source: spec.source, file, encoding: spec.encoding, header: spec.columns.map((c) => c.header) },
        errors,
      );
      const rng = createRng(seed, `feeds/files/${spec.source}/${stamp(delivery)}`);
      await spec.write({ world, spec, feed, rng, delivery, first: i === 0, names });
      const rows = await feed.close();
      files.push({
        source: spec.source,
        file,
        delivery: formatDay(delivery, 'iso'),
        encoding: spec.encoding,
        rows,
      });
    }
  }
  await errors.close();
  await writePopulationTruth(world, outDir);
  const residents = world.people.filter(
    (p) => p.residency !== 'nonresident' && p.change !== 'born' && p.change !== 'arrived',
  );
  return {
    deliveries: [DELIVERY_1, DELIVERY_2].map((d) => formatDay(d, 'iso')),
    files,
    rows: files.reduce((sum, f) => sum + f.rows, 0),
    counts: {
      residents: residents.length,
      registered: residents.filter((p) => p.residency === 'registered').length,
      floating: residents.filter((p) => p.residency === 'floating').length,
      nonresidents: world.people.length - world.people.filter((p) => p.residency !== 'nonresident').length,
      households: world.households.length,
      entities: world.entities.length,
    },
    errors: Object.fromEntries(
      [...errors.counts].map(([source, kinds]) => [source, Object.fromEntries(kinds)]),
    ),
  };
}

/** A UTF-8 truth table: header, then rows. */
function openTable(path: string, header: readonly string[]) {
  const sink = openEncoded(path, 'utf8', csvLine(header));
  return {
    write: (values: readonly (string | number)[]) => sink.line(csvLine(values)),
    close: () => sink.close(),
  };
}

async function writePopulationTruth(world: FeedWorld, outDir: string): Promise<void> {
  const { people, households, entities } = world;
  const people_ = openTable(join(outDir, FEED_TRUTH.people), [
    'person_id',
    'name',
    'sex',
    'birth_date',
    'residency',
    'household_id',
    'relation',
    'room_id',
    'phone',
    'change',
    'change_date',
    'new_room_id',
  ]);
  for (const p of people) {
    const household = households[p.household];
    const before = household && p.change !== 'born' && p.change !== 'arrived' ? placeId(household.home) : '';
    const after =
      p.change === 'moved'
        ? placeId(household!.movedTo!)
        : p.change === 'born' || p.change === 'arrived'
          ? placeId(household!.home)
          : '';
    await people_.write([
      p.id,
      p.name,
      p.sex,
      formatDay(p.birth, 'iso'),
      p.residency,
      household?.id ?? '',
      household ? p.relation : '',
      before,
      p.phone,
      p.change ?? '',
      p.change ? formatDay(p.changeDay, 'iso') : '',
      after,
    ]);
  }
  await people_.close();
  const households_ = openTable(join(outDir, FEED_TRUTH.households), [
    'household_id',
    'residency',
    'room_id',
    'head_id',
    'size',
    'tenure',
  ]);
  for (const h of households)
    await households_.write([
      h.id,
      h.residency,
      placeId(h.home),
      people[h.members[0]!]!.id,
      h.members.length,
      h.tenure,
    ]);
  await households_.close();
  const entities_ = openTable(join(outDir, FEED_TRUTH.entities), [
    'credit_code',
    'name',
    'kind',
    'rep_id',
    'registered_room_id',
    'operating_room_id',
    'industry',
    'capital_yuan',
    'founded',
    'status',
    'revenue_yuan',
    'insured_employees',
  ]);
  for (const e of entities)
    await entities_.write([
      e.code,
      e.name,
      e.kind,
      people[e.rep]!.id,
      placeId(e.registered),
      placeId(e.operating),
      e.industry.code,
      e.capital,
      formatDay(e.founded, 'iso'),
      e.status,
      e.revenue.toFixed(2),
      e.employees,
    ]);
  await entities_.close();
  await writeFile(join(outDir, FEED_TRUTH.stories), `${JSON.stringify(storyOf(world), null, 2)}\n`);
}

function storyOf(world: FeedWorld) {
  const { story, people, households, entities, rentals, cases } = world;
  const zhang = people[story.person]!;
  const father = people[story.father]!;
  const company = entities[story.company]!;
  const lease = rentals[story.rental]!;
  const rooftop = cases[story.case]!;
  return {
    mrZhang: {
      about:
        'The seeds’ story: filing a lease (second delivery of housing_rental) should tell the district that his father turns 70 (elderly allowance), his company sold over 50 million yuan (e-commerce demonstration, tech subsidy) and his rooftop extension is illegal (rectification notice).',
      person: {
        id: zhang.id,
        name: zhang.name,
        household: households[zhang.household]!.id,
        room: placeId(households[zhang.household]!.home),
      },
      father: {
        id: father.id,
        name: father.name,
        birthDate: formatDay(father.birth, 'iso'),
        turns70: formatDay(anniversary(father.birth, 70), 'iso'),
      },
      company: {
        code: company.code,
        name: company.name,
        industry: company.industry.code,
        revenueYuan: company.revenue,
      },
      lease: {
        id: lease.id,
        room: placeId(lease.place),
        filed: formatDay(lease.filed, 'iso'),
        file: feedFileName('housing_rental', DELIVERY_2),
      },
      illegalConstruction: {
        id: rooftop.id,
        place: placeId(rooftop.place),
        type: rooftop.type,
        state: rooftop.state,
      },
    },
  };
}
