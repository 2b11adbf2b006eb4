// Schools of the demo district with catchments (学区: the communities nearest each primary and middle
// school), approved places (核定学位) per entry grade and six years of enrolment, sized from the
// children who actually live in each catchment, so some schools fall short of places and some have
// room: the inputs of the seeds' school-place forecast.
import type { DemoBuilding } from '../addresses.ts';
import type { DemoArea } from '../areas.ts';
import { ESTATE_WORDS } from '../names.ts';
import { createRng } from '../random.ts';
import { ageAt, DELIVERY_1, dayOf, yearOf } from './dates.ts';
import type { LegalEntity } from './entities.ts';
import type { Identities } from './identities.ts';
import type { Population } from './population.ts';

export type SchoolType = '幼儿园' | '小学' | '初中' | '九年一贯制学校';

export interface School {
  /** 学校标识码: 10 digits. */
  code: string;
  /** Index into the entities. */
  entity: number;
  type: SchoolType;
  public: boolean;
  building: DemoBuilding;
  /** Community ids of the catchment; empty for kindergartens. */
  catchment: string[];
  classes: number;
  places: number;
  students: number;
}

export interface EnrolmentYear {
  school: number;
  /** First year of the school year: 2021 = 2021-2022. */
  year: number;
  grade: '小班' | '一年级' | '七年级';
  planned: number;
  applicants: number;
  admitted: number;
  admittedRegistered: number;
}

const AT_SCALE_1: Record<SchoolType, number> = { 幼儿园: 230, 小学: 72, 初中: 32, 九年一贯制学校: 14 };
const CLASS_SIZE: Record<SchoolType, number> = { 幼儿园: 30, 小学: 45, 初中: 50, 九年一贯制学校: 45 };
/** Grades a school teaches: kindergartens 3, primary 6, middle 3, nine-year 9. */
const GRADES: Record<SchoolType, number> = { 幼儿园: 3, 小学: 6, 初中: 3, 九年一贯制学校: 9 };
const ENTRY_AGE: Record<EnrolmentYear['grade'], number> = { 小班: 3, 一年级: 6, 七年级: 12 };
const ENROLMENT_YEARS = [2021, 2022, 2023, 2024, 2025, 2026];

const INDUSTRY = {
  幼儿园: { code: 'P8310', name: '学前教育', word: '幼儿园', scope: '学前教育' },
  小学: { code: 'P8321', name: '普通小学教育', word: '小学', scope: '小学教育' },
  初中: { code: 'P8331', name: '普通初中教育', word: '中学', scope: '初中教育' },
  九年一贯制学校: { code: 'P8331', name: '普通初中教育', word: '学校', scope: '义务教育' },
};

export interface Schools {
  schools: School[];
  enrolment: EnrolmentYear[];
}

export function buildSchools(
  seed: number,
  scale: number,
  ids: Identities,
  communities: readonly DemoArea[],
  buildings: readonly DemoBuilding[],
  population: Population,
  entities: LegalEntity[],
): Schools {
  const rng = createRng(seed, 'feeds/schools');
  const sites = buildings.filter((b) => b.kind === 'lowrise' || b.kind === 'annex');
  const principals = population.people
    .map((p, i) => ({ p, i }))
    .filter(
      ({ p }) =>
        p.residency === 'registered' && ageAt(p.birth, DELIVERY_1) >= 38 && ageAt(p.birth, DELIVERY_1) <= 60,
    )
    .map(({ i }) => i);
  const schools: School[] = [];
  const used = new Set<string>();
  for (const type of Object.keys(AT_SCALE_1) as SchoolType[]) {
    const count = Math.max(1, Math.round(AT_SCALE_1[type] * scale));
    for (let i = 0; i < count; i++) {
      const building = rng.pick(sites);
      const isPublic = type === '幼儿园' ? rng.chance(0.45) : rng.chance(0.9);
      let name = '';
      for (let n = 0; !name || used.has(name); n++) {
        const word = n < 10 ? rng.pick(ESTATE_WORDS) : `${rng.pick(ESTATE_WORDS)}${n}`;
        name = `深圳市福田区${word}${type === '九年一贯制学校' ? '学校' : type === '初中' ? '中学' : type}`;
      }
      used.add(name);
      const founded = dayOf(rng.int(1982, 2020), 9, 1);
      entities.push({
        code: ids.creditCode(rng, isPublic ? '12' : '52', '440304', founded >= dayOf(2015, 10, 1)),
        name,
        kind: isPublic ? 'institution' : 'social-org',
        rep: rng.pick(principals),
        registered: { building, room: null },
        operating: { building, room: null },
        industry: INDUSTRY[type],
        capital: isPublic ? 0 : rng.int(10, 300) * 10_000,
        founded,
        status: '存续',
        statusDay: founded,
        term: null,
        revenue: isPublic ? 0 : Math.round(rng.int(2_000, 30_000) * 1000),
        employees: type === '幼儿园' ? rng.int(12, 40) : rng.int(60, 180),
      });
      schools.push({
        code: `21440${String(30_000 + schools.length * 7 + rng.int(0, 6)).padStart(5, '0')}`,
        entity: entities.length - 1,
        type,
        public: isPublic,
        building,
        catchment: [],
        classes: 0,
        places: 0,
        students: 0,
      });
    }
  }
  // Each community belongs to the nearest primary and the nearest middle school.
  const centre = (c: DemoArea) => [(c.rect!.west + c.rect!.east) / 2, (c.rect!.south + c.rect!.north) / 2];
  const nearest = (types: SchoolType[], c: DemoArea) => {
    const [x, y] = centre(c);
    let best = -1;
    let bestDistance = Infinity;
    schools.forEach((s, i) => {
      if (!types.includes(s.type) || !s.public) return;
      const d = (s.building.lng - x!) ** 2 + (s.building.lat - y!) ** 2;
      if (d < bestDistance) [best, bestDistance] = [i, d];
    });
    return best;
  };
  for (const c of communities) {
    for (const types of [
      ['小学', '九年一贯制学校'],
      ['初中', '九年一贯制学校'],
    ] as SchoolType[][]) {
      const s = nearest(types, c);
      if (s >= 0 && !schools[s]!.catchment.includes(c.id)) schools[s]!.catchment.push(c.id);
    }
  }

  // Children by community and birth year, to size applicants.
  const children = new Map<string, { registered: number; floating: number }>();
  for (const p of population.people) {
    if (p.residency === 'nonresident' || p.change === 'born' || p.change === 'arrived') continue;
    if (ageAt(p.birth, DELIVERY_1) > 18) continue;
    const home = population.households[p.household]!.home;
    const key = `${home.building.communityId}/${yearOf(p.birth - 243)}`;
    const counts = children.get(key) ?? { registered: 0, floating: 0 };
    counts[p.residency === 'registered' ? 'registered' : 'floating']++;
    children.set(key, counts);
  }
  const enrolment: EnrolmentYear[] = [];
  schools.forEach((school, index) => {
    const grades: EnrolmentYear['grade'][] =
      school.type === '幼儿园'
        ? ['小班']
        : school.type === '小学'
          ? ['一年级']
          : school.type === '初中'
            ? ['七年级']
            : ['一年级', '七年级'];
    const share = school.type === '幼儿园' ? 0 : 1;
    let classesPerGrade = 0;
    for (const grade of grades) {
      // A school year cohort runs September to August: born Sep Y-age … Aug Y-age+1.
      const demand = (year: number) => {
        let registered = 0;
        let floating = 0;
        for (const c of school.catchment) {
          const counts = children.get(`${c}/${year - ENTRY_AGE[grade] - 1}`);
          registered += counts?.registered ?? 0;
          floating += counts?.floating ?? 0;
        }
        return { registered, floating };
      };
      const base = share ? demand(2026) : { registered: rng.int(20, 60), floating: rng.int(10, 40) };
      const classes = Math.max(
        1,
        Math.round(((base.registered + base.floating) * rng.float(0.75, 1.3)) / CLASS_SIZE[school.type]),
      );
      classesPerGrade = Math.max(classesPerGrade, classes);
      for (const year of ENROLMENT_YEARS) {
        const d = share ? demand(year) : { registered: rng.int(20, 60), floating: rng.int(10, 40) };
        const planned = classes * CLASS_SIZE[school.type];
        const applicants = d.registered + d.floating;
        // Registered children are admitted first.
        const admittedRegistered = Math.min(planned, d.registered);
        const admitted = Math.min(planned, applicants);
        enrolment.push({ school: index, year, grade, planned, applicants, admitted, admittedRegistered });
      }
    }
    school.classes = classesPerGrade * GRADES[school.type];
    school.places = school.classes * CLASS_SIZE[school.type];
    const recent = enrolment.filter((e) => e.school === index && e.year > 2026 - GRADES[school.type]);
    school.students = Math.round(
      (recent.reduce((sum, e) => sum + e.admitted, 0) * GRADES[school.type]) / Math.max(1, recent.length),
    );
  });
  return { schools, enrolment };
}
