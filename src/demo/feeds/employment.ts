// Who works where, as social insurance knows it: working-age residents insured by a district employer,
// drawn in proportion to each employer's size. An employer's insured headcount is at least the residents
// it insures (most of its staff live outside the district).
import { createRng } from '../random.ts';
import { ageAt, DELIVERY_1 } from './dates.ts';
import type { LegalEntity } from './entities.ts';
import type { Population } from './population.ts';

export interface Employment {
  person: number;
  employer: number;
  /** First insured anywhere, and with this employer. */
  firstInsured: number;
  since: number;
  /** Monthly contribution base in yuan. */
  base: number;
  state: '正常参保' | '暂停参保';
}

const EMPLOYED = 0.62;

export function buildEmployment(seed: number, population: Population, entities: LegalEntity[]): Employment[] {
  const rng = createRng(seed, 'feeds/employment');
  const employers: number[] = [];
  const cumulative: number[] = [];
  let total = 0;
  entities.forEach((e, i) => {
    if (e.employees <= 0) return;
    total += e.employees;
    employers.push(i);
    cumulative.push(total);
  });
  const pick = () => {
    const roll = rng.next() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > roll) hi = mid;
      else lo = mid + 1;
    }
    return employers[lo]!;
  };
  const assigned = new Map<number, number>();
  const jobs: Employment[] = [];
  if (employers.length === 0) return jobs;
  population.people.forEach((p, person) => {
    if (p.residency === 'nonresident' || p.change === 'born' || p.change === 'arrived') return;
    const age = ageAt(p.birth, DELIVERY_1);
    if (age < 18 || age > 60 || !rng.chance(EMPLOYED)) return;
    const employer = pick();
    assigned.set(employer, (assigned.get(employer) ?? 0) + 1);
    const adult = p.birth + Math.round(18 * 365.2425);
    const firstInsured = rng.int(Math.max(adult, p.since - 3 * 365), DELIVERY_1 - 30);
    jobs.push({
      person,
      employer,
      firstInsured,
      since: Math.max(firstInsured, entities[employer]!.founded, rng.int(firstInsured, DELIVERY_1 - 30)),
      base: Math.round(rng.int(2360, 35000) / 10) * 10,
      state: rng.chance(0.97) ? '正常参保' : '暂停参保',
    });
  });
  for (const [employer, count] of assigned) {
    const entity = entities[employer]!;
    entity.employees = Math.max(entity.employees, count);
  }
  return jobs;
}
