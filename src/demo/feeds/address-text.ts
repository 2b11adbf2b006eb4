// Addresses as each department's clerks type them into their own system: the formal police form with
// province, subdistrict and community; the housing form with door plate and room; the short form a
// mother writes on a birth record. The habits themselves (Chinese numerals, full-width digits,
// traditional characters, homophone typos) come from the messy-address catalogue.

import * as W from '../messy/writing.ts';
import type { Rng } from '../random.ts';
import type { Place } from './population.ts';

export interface AddressHabits {
  /** Probability of each prefix piece: 广东省, 深圳市, 福田区 (each only with the next one present). */
  province: number;
  city: number;
  district: number;
  subdistrict: number;
  community: number;
  /** Door plate (`益田路3013号`) for an estate building; village houses always have one. */
  doorPlate: number;
  /** Estate or village name when the door plate is given (without a plate it is always written). */
  estate: number;
  /** Building labels respelled: 3栋 → 3号楼 / 第3栋, B座 → B栋. */
  respell: number;
  /** How the room is closed off: '' (2301), 室, 房, 号. */
  roomSuffixes: readonly string[];
  /** Room written floor first: 23楼01, 23层01号. */
  floorForm: number;
  numerals: number;
  fullwidth: number;
  traditional: number;
  typo: number;
  spaces: number;
}

export interface AreaNames {
  subdistrict: ReadonlyMap<string, string>;
  community: ReadonlyMap<string, string>;
}

const NUMBER_LABELS = ['{}号楼', '第{}栋', '{}幢', '{}座'];
const LETTER_LABELS = ['{}栋', '{}座', '{}'];

function respellBuilding(rng: Rng, label: string, habits: AddressHabits): string {
  const num = /^(\d{1,2})栋$/.exec(label);
  if (num) {
    const spoken = rng.chance(habits.numerals) ? W.chineseNumber(Number(num[1])) : undefined;
    const template = rng.chance(habits.respell) ? rng.pick(NUMBER_LABELS) : '{}栋';
    return template.replace('{}', spoken ?? num[1]!);
  }
  const letter = /^([A-Z])(栋|座)$/.exec(label);
  if (letter && rng.chance(habits.respell)) return rng.pick(LETTER_LABELS).replace('{}', letter[1]!);
  return label;
}

function writeRoom(rng: Rng, floor: string, room: string, habits: AddressHabits): string {
  const suffix = room.startsWith(floor) ? room.slice(floor.length) : '';
  if (suffix && rng.chance(habits.floorForm)) {
    const spoken =
      rng.chance(habits.numerals) && /^\d+$/.test(floor) ? W.chineseNumber(Number(floor)) : undefined;
    return rng.pick([
      `${spoken ?? floor}楼${suffix}`,
      `${spoken ?? floor}层${suffix}号`,
      `${floor}-${suffix}`,
    ]);
  }
  return `${room}${rng.pick(habits.roomSuffixes)}`;
}

/** A homophone for one character of the name, as an IME offers it. */
function typo(rng: Rng, name: string): string {
  const chars = Array.from(name);
  const at = chars.map((ch, i) => (W.HOMOPHONES.has(ch) ? i : -1)).filter((i) => i >= 0);
  if (at.length === 0) return name;
  const i = rng.pick(at);
  chars[i] = W.HOMOPHONES.get(chars[i]!)!;
  return chars.join('');
}

export function writeAddress(rng: Rng, place: Place, habits: AddressHabits, names: AreaNames): string {
  const { building, room } = place;
  const pieces: string[] = [];
  const district = rng.chance(habits.district);
  const city = district && rng.chance(habits.city);
  if (city && rng.chance(habits.province)) pieces.push('广东省');
  if (city) pieces.push('深圳市');
  if (district) pieces.push('福田区');
  if (rng.chance(habits.subdistrict)) pieces.push(names.subdistrict.get(building.subdistrictId)!);
  if (rng.chance(habits.community)) pieces.push(names.community.get(building.communityId)!);
  const estate = rng.chance(habits.typo) ? typo(rng, building.estate) : building.estate;
  if (building.kind === 'village') {
    if (rng.chance(habits.estate)) pieces.push(estate);
    pieces.push(`${building.road}${building.roadNo}号`);
  } else {
    const plate = rng.chance(habits.doorPlate);
    if (plate) pieces.push(`${building.road}${building.roadNo}号`);
    if (!plate || rng.chance(habits.estate)) pieces.push(estate);
    if (building.building) pieces.push(respellBuilding(rng, building.building, habits));
  }
  if (room) {
    if (room.entrance) pieces.push(room.entrance);
    pieces.push(writeRoom(rng, room.floor, room.room, habits));
  }
  let text = rng.chance(habits.spaces) ? pieces.join(' ') : pieces.join('');
  if (rng.chance(habits.fullwidth)) text = W.toFullWidth(text);
  if (rng.chance(habits.traditional)) text = W.toTraditional(text);
  return text;
}
