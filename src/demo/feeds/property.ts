// Who owns each room and who rents it: owner-occupiers and landlords (residents with a second flat,
// owners living elsewhere, property companies), village houses owned whole by villagers or the village
// company, and the lease filings (租赁备案) of tenant households and companies, with the month's moves
// as terminations and new filings.
import { roomsOf } from '../addresses.ts';
import { createRng, type Rng } from '../random.ts';
import { ageAt, anniversary, DELIVERY_1, DELIVERY_2, dayOf, yearOf } from './dates.ts';
import type { LegalEntity } from './entities.ts';
import type { Identities } from './identities.ts';
import { addNonresident, type Place, type Population, placeId } from './population.ts';

export type Party = { kind: 'person'; index: number } | { kind: 'entity'; index: number };

export type RoomUse = '住宅' | '办公' | '商业' | '村民自建房';

export interface Ownership {
  place: Place;
  owners: Party[];
  /** 不动产权证号; null for village houses (历史遗留, no certificate). */
  certificate: string | null;
  registered: number;
  use: RoomUse;
  /** 商品房, 房改房, 自建房. */
  nature: string;
  /** m². */
  area: number;
}

export type ContractStatus = '有效' | '已到期' | '已解除';

export interface Rental {
  /** 备案编号. */
  id: string;
  place: Place;
  landlord: Party;
  tenant: Party;
  start: number;
  end: number;
  filed: number;
  /** Yuan per month. */
  rent: number;
  area: number;
  use: RoomUse;
  status: ContractStatus;
  /** Day a contract was ended early (the tenant moved). */
  terminated: number | null;
  /** Which delivery first shows the filing. */
  delivery: 1 | 2;
}

export interface Property {
  ownerships: Ownership[];
  /** Room or building id → index into `ownerships`. */
  ownerOf: Map<string, number>;
  rentals: Rental[];
}

const FILED = { estate: 0.72, village: 0.55, entity: 0.75 };

export function buildProperty(
  seed: number,
  ids: Identities,
  population: Population,
  entities: readonly LegalEntity[],
  buildings: Parameters<typeof roomsOf>[0][],
): Property {
  const rng = createRng(seed, 'feeds/property');
  const { people, households } = population;
  const ownerships: Ownership[] = [];
  const ownerOf = new Map<string, number>();
  const registeredAdults: number[] = [];
  people.forEach((p, i) => {
    const age = ageAt(p.birth, DELIVERY_1);
    if (
      p.residency === 'registered' &&
      p.change !== 'born' &&
      p.change !== 'arrived' &&
      age >= 35 &&
      age <= 80
    )
      registeredAdults.push(i);
  });
  const landlordCompanies = entities
    .map((e, i) => ({ e, i }))
    .filter(({ e }) => e.status === '存续' && e.kind !== 'individual' && /^K70|^L721/.test(e.industry.code))
    .map(({ i }) => i);
  const person = (index: number): Party => ({ kind: 'person', index });
  const entity = (index: number): Party => ({ kind: 'entity', index });
  const outsider = () => person(addNonresident(population, ids, rng, { minAge: 30, maxAge: 80 }));

  const own = (place: Place, owners: Party[], use: RoomUse, area: number, registered: number) => {
    const year = Math.floor(1970 + registered / 365.2425);
    const certificate =
      use === '村民自建房'
        ? null
        : year >= 2016
          ? `粤(${year})深圳市不动产权第${String(rng.int(0, 9_999_999)).padStart(7, '0')}号`
          : `深房地字第${rng.int(3_000_000_000, 3_999_999_999)}号`;
    const nature =
      use === '村民自建房'
        ? '自建房'
        : place.building.kind === 'lowrise' && rng.chance(0.3)
          ? '房改房'
          : '商品房';
    ownerOf.set(placeId(place), ownerships.length);
    ownerships.push({ place, owners, certificate, registered, use, nature, area });
  };

  // Households were created building by building, room by room: walk them in step with the rooms.
  let h = 0;
  const villageCompany = new Map<string, number>();
  entities.forEach((e, i) => {
    if (e.kind === 'joint-stock' && e.name.endsWith('实业股份有限公司'))
      villageCompany.set(e.name.slice(3, 5), i);
  });
  for (const building of buildings) {
    if (building.kind === 'village') {
      const resident = population.villageOwners.get(building.id);
      const company = villageCompany.get(building.estate.slice(0, 2));
      const owner =
        resident !== undefined
          ? person(households[resident]!.members[0]!)
          : company !== undefined && rng.chance(0.12)
            ? entity(company)
            : rng.chance(0.6)
              ? person(rng.pick(registeredAdults))
              : outsider();
      own(
        { building, room: null },
        [owner],
        '村民自建房',
        building.floors * rng.int(60, 110),
        dayOf(rng.int(1988, 2005), 6, 1),
      );
      while (h < households.length && households[h]!.home.building === building) h++;
      continue;
    }
    for (const room of roomsOf(building)) {
      const place = { building, room };
      // roomsOf makes new room objects each time: compare by code.
      const occupant = households[h]?.home.room?.id === room.id ? households[h] : undefined;
      while (households[h]?.home.room?.id === room.id) h++;
      if (building.kind === 'office' || building.kind === 'annex') {
        const use: RoomUse = building.kind === 'office' ? '办公' : '商业';
        const owner =
          landlordCompanies.length > 0 && rng.chance(0.65)
            ? entity(rng.pick(landlordCompanies))
            : rng.chance(0.4)
              ? person(rng.pick(registeredAdults))
              : outsider();
        own(
          place,
          [owner],
          use,
          rng.int(40, 400),
          dayOf(rng.int(1998, 2025), rng.int(1, 12), rng.int(1, 28)),
        );
        continue;
      }
      const area = building.kind === 'lowrise' ? rng.int(45, 95) : rng.int(65, 160);
      if (occupant?.tenure === 'owner') {
        const [head, second] = occupant.members;
        const spouse = second !== undefined && people[second]!.relation === '配偶' ? second : undefined;
        const owners =
          spouse !== undefined && rng.chance(0.5) ? [person(head!), person(spouse)] : [person(head!)];
        own(place, owners, '住宅', area, Math.max(people[head!]!.since, dayOf(1990, 1, 1)));
      } else {
        const owner = rng.chance(0.55) ? person(rng.pick(registeredAdults)) : outsider();
        own(place, [owner], '住宅', area, dayOf(rng.int(1995, 2025), rng.int(1, 12), rng.int(1, 28)));
      }
    }
  }

  // Village houses are owned whole: a room's owner is its building's.
  const ownershipOf = (place: Place): Ownership | undefined =>
    ownerships[ownerOf.get(placeId(place)) ?? ownerOf.get(place.building.id) ?? -1];
  const rentals: Rental[] = [];
  let seq = 0;
  const lease = (
    place: Place,
    tenant: Party,
    since: number,
    filedShare: number,
    delivery: 1 | 2,
    asOf: number,
  ): Rental | null => {
    if (!rng.chance(filedShare)) return null;
    const ownership = ownershipOf(place);
    if (!ownership) return null;
    const years = rng.pick([1, 1, 2, 2, 3]);
    // Leases renew on the anniversary of moving in: the current one began on the last anniversary.
    const renewals = Math.max(0, Math.floor(ageAt(since, asOf) / years));
    const start = anniversary(since, renewals * years);
    const end = anniversary(start, years) - 1;
    const rental: Rental = {
      id: `深房租福田${yearOf(start)}${String(++seq).padStart(7, '0')}`,
      place,
      landlord: ownership.owners[0]!,
      tenant,
      start,
      end,
      filed: Math.min(asOf, start + rng.int(0, 25)),
      ...rentFor(rng, ownership),
      use: ownership.use === '村民自建房' ? '住宅' : ownership.use,
      status: '有效',
      terminated: null,
      delivery,
    };
    rentals.push(rental);
    // A quarter of renewed leases still show the contract before this one.
    if (renewals > 0 && rng.chance(0.25)) {
      const before = anniversary(start, -years);
      rentals.push({
        ...rental,
        id: `深房租福田${yearOf(before)}${String(++seq).padStart(7, '0')}`,
        start: before,
        end: start - 1,
        filed: before + rng.int(0, 25),
        rent: Math.round(rental.rent * 0.95),
        status: '已到期',
      });
    }
    return rental;
  };

  const roomsLeased = new Set<string>();
  const byHousehold = new Map<number, Rental>();
  households.forEach((household, index) => {
    if (household.tenure !== 'tenant' || household.arrived) return;
    const id = placeId(household.home);
    if (roomsLeased.has(id)) return; // flat shares and roommates: one contract per room
    roomsLeased.add(id);
    const village = household.home.building.kind === 'village';
    const rental = lease(
      household.home,
      person(household.members[0]!),
      people[household.members[0]!]!.since,
      village ? FILED.village : FILED.estate,
      1,
      DELIVERY_1,
    );
    if (rental) byHousehold.set(index, rental);
  });
  entities.forEach((e, index) => {
    // Offices and shops; a business registered at its owner's home has no lease of its own.
    const { building, room } = e.operating;
    const shop =
      building.kind === 'office' ||
      building.kind === 'annex' ||
      (building.kind === 'village' && room?.floor === '1');
    if (e.status !== '存续' || !shop) return;
    const id = placeId(e.operating);
    if (roomsLeased.has(id)) return;
    const owner = ownershipOf(e.operating)?.owners[0];
    if (owner?.kind === 'entity' && owner.index === index) return;
    roomsLeased.add(id);
    lease(e.operating, entity(index), Math.max(e.founded, DELIVERY_1 - 6 * 365), FILED.entity, 1, DELIVERY_1);
  });

  // The month: tenants who moved end their lease early and file a new one where they went.
  for (const [index, rental] of byHousehold) {
    const household = households[index]!;
    if (!household.movedTo) continue;
    const day = people[household.members[0]!]!.changeDay;
    rental.status = '已解除';
    rental.terminated = day;
    lease(household.movedTo, rental.tenant, day, 0.8, 2, DELIVERY_2);
  }
  return { ownerships, ownerOf, rentals };
}

/** Monthly rent and area: a village house is let room by room. */
function rentFor(rng: Rng, ownership: Ownership): { rent: number; area: number } {
  const perM2 = {
    住宅: rng.int(60, 140),
    办公: rng.int(120, 260),
    商业: rng.int(150, 400),
    村民自建房: rng.int(50, 90),
  }[ownership.use];
  const area = ownership.use === '村民自建房' ? rng.int(15, 40) : ownership.area;
  return { rent: Math.round((perM2 * area) / 10) * 10, area };
}
