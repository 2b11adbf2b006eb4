// Births of the last six years as the hospitals report them (出生医学证明): the district's own young
// children, found with their parents in their households, and babies of families living elsewhere who
// were born in Futian's hospitals. The newborn has no ID number yet: linking goes by mother and date.
import { createRng } from '../random.ts';
import { DELIVERY_1, yearOf } from './dates.ts';
import type { Identities } from './identities.ts';
import { addNonresident, type Place, type Population } from './population.ts';
import { HOSPITALS } from './vocabulary.ts';

export interface Birth {
  certificate: string;
  child: number;
  mother: number;
  /** -1 when the certificate names no father. */
  father: number;
  hospital: string;
  /** Minutes after midnight. */
  minute: number;
  grams: number;
  weeks: number;
  /** The family's home; null for families living outside the district. */
  home: Place | null;
  issued: number;
  /** The name may be left blank when the certificate is issued before the baby is named. */
  named: boolean;
}

const SIX_YEARS = Math.round(6 * 365.2425);
/** Share of the district's babies born in Futian's hospitals (the rest elsewhere). */
const BORN_HERE = 0.8;
/** Babies of families from outside the district, per baby of the district's own. */
const FROM_OUTSIDE = 0.15;

export function buildBirths(seed: number, ids: Identities, population: Population): Birth[] {
  const rng = createRng(seed, 'feeds/births');
  const { people, households } = population;
  const births: Birth[] = [];
  let seq = 0;
  const certificate = (birth: number) => {
    const year = yearOf(birth);
    return `${String.fromCharCode(65 + year - 2004)}44${String(++seq).padStart(7, '0')}`;
  };
  const record = (child: number, mother: number, father: number, home: Place | null) => {
    const birth = people[child]!.birth;
    births.push({
      certificate: certificate(birth),
      child,
      mother,
      father,
      hospital: rng.pick(HOSPITALS),
      minute: rng.int(0, 1439),
      grams: rng.int(2500, 4200),
      weeks: rng.int(37, 41),
      home,
      issued: Math.min(DELIVERY_1, birth + rng.int(1, 20)),
      named: rng.chance(0.9),
    });
  };
  const count = people.length;
  for (let i = 0; i < count; i++) {
    const child = people[i]!;
    if (child.residency === 'nonresident' || child.change === 'born' || child.change === 'arrived') continue;
    if (DELIVERY_1 - child.birth > SIX_YEARS || !rng.chance(BORN_HERE)) continue;
    const household = households[child.household]!;
    const members = household.members.map((m) => ({ m, p: people[m]! }));
    const parents =
      child.relation === '孙子' || child.relation === '孙女'
        ? members.filter(
            ({ p }) => ['子', '女', '儿媳', '女婿'].includes(p.relation) && p.birth < child.birth - 18 * 365,
          )
        : members.filter(({ p }) => p.relation === '户主' || p.relation === '配偶');
    const father = parents.find(({ p }) => p.sex === 'male')?.m ?? -1;
    const mother =
      parents.find(({ p }) => p.sex === 'female')?.m ??
      addNonresident(population, ids, rng, { minAge: 26, maxAge: 40, sex: 'female' });
    record(i, mother, father, household.home);
  }
  const outside = Math.round(births.length * FROM_OUTSIDE);
  for (let i = 0; i < outside; i++) {
    const mother = addNonresident(population, ids, rng, { minAge: 24, maxAge: 40, sex: 'female' });
    const father = addNonresident(population, ids, rng, { minAge: 25, maxAge: 45, sex: 'male' });
    const surname = people[father]!.name.slice(0, 1);
    const child = addNonresident(population, ids, rng, { minAge: 0, maxAge: 5, surname });
    people[child]!.phone = '';
    record(child, mother, father, null);
  }
  return births;
}
