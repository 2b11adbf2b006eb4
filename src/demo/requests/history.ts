// A year of service requests as another system recorded them: volume per day from the weekday,
// holidays, the month and the weather (rainstorms and typhoons in the rainy season), categories with
// their own seasons and hours, places drawn with hotspots (urban villages, main roads), every channel's
// own way of writing, and outcomes: mostly handled within the service level, some late, ratings
// mostly 5 with about 1% dissatisfied. Pure: the same seed and scale give the same records.
import catalogue from '../../governance/catalogue/categories.json' with { type: 'json' };
import type { DemoBuilding } from '../addresses.ts';
import type { DemoDistrict } from '../model.ts';
import { ROAD_NUMBER_START, ROADS_BY_SUBDISTRICT } from '../names.ts';
import { createRng, type Rng } from '../random.ts';
import {
  CATEGORY_PHRASES,
  type CategoryPhrases,
  type Hours,
  type PlaceKind,
  type Season,
} from './phrases.ts';
import { type Channel, describe } from './writing.ts';

/** Requests per year at scale 1 (the seeds: 365,104 complaints in 11 months). */
export const REQUESTS_PER_YEAR_AT_SCALE_1 = 400_000;
/** The history covers 2025-10-01 to 2026-09-30 (the feeds' first delivery day), Shenzhen time. */
export const HISTORY_START = Date.UTC(2025, 9, 1) / 86_400_000;
export const HISTORY_DAYS = 365;
/** Hotline calls of the last days were still waiting for a category when the file was cut. */
export const UNCLASSIFIED_DAYS = 2;

export interface HistoryRecord {
  /** The old system's order number. */
  order_no: string;
  channel: Channel;
  /** The category's name as the old system filed it; empty for calls nobody has classified yet. */
  category: string;
  description: string;
  address: string;
  lng: number;
  lat: number;
  reporter_name: string;
  reporter_phone: string;
  /** ISO 8601 with the +08:00 offset, as the old system kept them. */
  reported_at: string;
  responded_at: string | null;
  resolved_at: string | null;
  closed_at: string | null;
  /** Hours the old system allowed to resolve it. */
  due_hours: number;
  status: 'closed' | 'pending';
  rating: number | null;
  rating_comment: string;
  /** The reporter was dissatisfied, the order was reopened and resolved again. */
  reopened: boolean;
}

export interface HistoryTruth {
  order_no: string;
  /** The true category of an order filed without one. */
  category: string;
}

const SEASON_SHAPES: Record<Season, readonly number[]> = {
  flat: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
  rain: [0.4, 0.4, 0.6, 1.0, 1.5, 2.0, 2.0, 2.0, 1.6, 0.8, 0.5, 0.4],
  summer: [0.7, 0.7, 0.8, 0.9, 1.1, 1.3, 1.4, 1.4, 1.3, 1.0, 0.8, 0.7],
  winter: [1.4, 1.5, 1.0, 0.9, 0.8, 0.8, 0.8, 0.8, 0.9, 1.0, 1.2, 1.4],
  dry: [1.3, 1.2, 1.2, 1.0, 0.8, 0.7, 0.7, 0.7, 0.9, 1.1, 1.3, 1.3],
};
/** Each shape scaled to average 1, so a season moves reports between months without adding any. */
const SEASONS = Object.fromEntries(
  Object.entries(SEASON_SHAPES).map(([k, v]) => [k, v.map((x) => (12 * x) / v.reduce((a, b) => a + b, 0))]),
) as Record<Season, number[]>;
// Hour-of-day weights, 0h … 23h.
const HOURS: Record<Hours, readonly number[]> = {
  day: [1, 0.5, 0.3, 0.3, 0.3, 0.5, 1, 3, 6, 9, 10, 9, 6, 6, 8, 9, 9, 8, 6, 5, 4, 3, 2, 1.5],
  evening: [3, 1.5, 0.8, 0.4, 0.3, 0.3, 0.5, 1, 2, 3, 4, 4, 4, 3, 3, 4, 4, 5, 7, 9, 10, 10, 8, 5],
  night: [8, 6, 4, 2, 1, 0.5, 0.5, 1, 2, 3, 3, 3, 3, 2, 2, 2, 2, 3, 4, 5, 7, 9, 10, 10],
  office: [0.3, 0.2, 0.1, 0.1, 0.1, 0.2, 0.5, 2, 7, 10, 10, 9, 5, 7, 10, 10, 9, 7, 3, 2, 1.5, 1, 0.6, 0.4],
};
/** Monday first: more reports after the weekend. */
const WEEKDAY = [1.15, 1.08, 1.05, 1.02, 1.0, 0.86, 0.84];
const CHANNEL_MIX: Record<Channel, number> = {
  hotline_12345: 44,
  app: 20,
  wechat: 14,
  grid_patrol: 14,
  web: 5,
  sensor: 0,
};
/** Categories the district's sensors report too. */
const SENSED = new Set(['waterlogging', 'manhole-missing', 'manhole-damaged', 'streetlight-out']);
/** Grid-information items only grid workers collect. */
const PATROL_ONLY = new Set([
  'population-change',
  'building-change',
  'business-change',
  'rental-unregistered',
]);
const TYPHOON = new Map([
  ['fallen-tree', 12],
  ['illegal-signboard', 6],
  ['waterlogging', 4],
  ['site-safety', 4],
]);
const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严莫孔向常汤'.split(
    '',
  );
const DISSATISFIED_COMMENTS = ['问题没有解决', '根本没人来处理', '处理敷衍了事', '过两天又回来了'];
const SATISFIED_COMMENTS = ['', '', '', '处理很及时，谢谢', '满意', '效率很高', '点赞'];

/** The catalogue's name and resolution hours per category code. */
const CATALOGUE = new Map(
  catalogue.categories.map((c) => [c.code, { name: c.name, resolveHours: c.resolveHours }]),
);

/** Buildings weighted for one kind of place, with a heavy tail: a few places draw many reports. */
class PlacePicker {
  private readonly cumulative: Float64Array;
  constructor(
    private readonly buildings: readonly DemoBuilding[],
    weight: (b: DemoBuilding, i: number) => number,
  ) {
    this.cumulative = new Float64Array(buildings.length);
    let sum = 0;
    buildings.forEach((b, i) => {
      sum += weight(b, i);
      this.cumulative[i] = sum;
    });
  }
  pick(rng: Rng): DemoBuilding {
    const target = rng.next() * this.cumulative[this.cumulative.length - 1]!;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulative[mid]! <= target) lo = mid + 1;
      else hi = mid;
    }
    return this.buildings[lo]!;
  }
}

function placePickers(district: DemoDistrict, seed: number): Record<PlaceKind, PlacePicker> {
  const rng = createRng(seed, 'requests/hotspots');
  // Pareto(1.3) hotness per building, capped: the district's "usual suspects".
  const hot = district.buildings.map(() => Math.min(40, (1 - rng.next()) ** (-1 / 1.3)));
  const mainRoads = new Set(Object.keys(ROAD_NUMBER_START));
  const b = district.buildings;
  const w = (fn: (x: DemoBuilding) => number) => new PlacePicker(b, (x, i) => hot[i]! * fn(x));
  return {
    road: w((x) => (mainRoads.has(x.road) ? 3 : 1) * (x.kind === 'village' ? 0.6 : 1)),
    village: w((x) => (x.kind === 'village' ? 8 : x.kind === 'lowrise' ? 1 : 0.3)),
    residential: w((x) => (x.kind === 'office' ? 0.1 : x.kind === 'village' ? 1.5 : 1)),
    office: w((x) => (x.kind === 'office' ? 6 : x.kind === 'highrise' ? 1 : 0.3)),
    any: w(() => 1),
  };
}

function poisson(rng: Rng, lambda: number): number {
  if (lambda < 30) {
    const limit = Math.exp(-lambda);
    let k = 0;
    for (let p = rng.next(); p > limit; p *= rng.next()) k++;
    return k;
  }
  const z = Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * z));
}

function pickIndex(rng: Rng, weights: readonly number[]): number {
  let roll = rng.next() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < weights.length; i++) {
    roll -= weights[i]!;
    if (roll < 0) return i;
  }
  return weights.length - 1;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Shenzhen local time (UTC+8) for an instant in ms. */
export function shenzhenIso(ms: number): string {
  const d = new Date(ms + 8 * 3_600_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}+08:00`;
}

interface DayWeather {
  storm: boolean;
  typhoon: boolean;
}

/** Rainstorms (more in Jun–Aug) and a few typhoons (Jul–Sep), decided once for the whole year. */
function weather(seed: number): DayWeather[] {
  const rng = createRng(seed, 'requests/weather');
  return Array.from({ length: HISTORY_DAYS + 1 }, (_, i) => {
    const month = new Date((HISTORY_START + i) * 86_400_000).getUTCMonth();
    const stormChance = month >= 5 && month <= 7 ? 0.25 : month >= 3 && month <= 8 ? 0.12 : 0.02;
    return { storm: rng.chance(stormChance), typhoon: month >= 6 && month <= 8 && rng.chance(0.03) };
  });
}

function holidayFactor(day: number): number {
  const springFestival = Date.UTC(2026, 1, 17) / 86_400_000;
  if (day >= springFestival - 3 && day <= springFestival + 5) return 0.55;
  const nationalDay = Date.UTC(2025, 9, 1) / 86_400_000;
  if (day >= nationalDay && day < nationalDay + 7) return 0.75;
  return 1;
}

export interface HistoryPlan {
  /** Expected requests over the year (the draw varies around it). */
  expected: number;
  days: number;
}

export function historyPlan(scale: number): HistoryPlan {
  return { expected: Math.round(REQUESTS_PER_YEAR_AT_SCALE_1 * scale), days: HISTORY_DAYS };
}

/**
 * The year's requests, one day at a time in time order. `onUnclassified` receives the true category
 * of each hotline call written without one.
 */
export function* generateHistory(
  district: DemoDistrict,
  onUnclassified: (truth: HistoryTruth) => void = () => {},
): Generator<HistoryRecord> {
  const { seed, scale } = district;
  const pickers = placePickers(district, seed);
  const days = weather(seed);
  const subdistrictNames = new Map(district.subdistricts.map((a) => [a.id, a.name]));
  const communityNames = new Map(district.communities.map((a) => [a.id, a.name]));
  const totalShare = CATEGORY_PHRASES.reduce((sum, c) => sum + c.share, 0);
  /** How much busier than an ordinary day a category is on day i (weekday, holiday, month, weather). */
  const factorOf = (i: number, phrases: CategoryPhrases) => {
    const day = HISTORY_START + i;
    const date = new Date(day * 86_400_000);
    const { storm, typhoon } = days[i]!;
    const afterStorm = i > 0 && days[i - 1]!.storm;
    let factor =
      SEASONS[phrases.season][date.getUTCMonth()]! *
      WEEKDAY[(date.getUTCDay() + 6) % 7]! *
      holidayFactor(day);
    if (phrases.season === 'rain') factor *= storm ? 4 : afterStorm ? 2 : 1;
    if (typhoon) factor *= TYPHOON.get(phrases.code) ?? 1;
    return factor;
  };
  // The base rate that makes the year's expected total the target, whatever the weather drew.
  let expected = 0;
  for (let i = 0; i < HISTORY_DAYS; i++)
    for (const phrases of CATEGORY_PHRASES) expected += (phrases.share * factorOf(i, phrases)) / totalShare;
  const perDay = (REQUESTS_PER_YEAR_AT_SCALE_1 * scale) / expected;

  for (let i = 0; i < HISTORY_DAYS; i++) {
    const day = HISTORY_START + i;
    const date = new Date(day * 86_400_000);
    const month = date.getUTCMonth();
    const rng = createRng(seed, `requests/day/${i}`);
    const drafts: { minute: number; phrases: CategoryPhrases }[] = [];
    for (const phrases of CATEGORY_PHRASES) {
      const n = poisson(rng, (perDay * phrases.share * factorOf(i, phrases)) / totalShare);
      for (let k = 0; k < n; k++)
        drafts.push({ minute: pickIndex(rng, HOURS[phrases.hours]) * 60 + rng.int(0, 59), phrases });
    }
    drafts.sort((a, b) => a.minute - b.minute);
    const ymd = `${date.getUTCFullYear()}${pad(month + 1)}${pad(date.getUTCDate())}`;
    const unclassifiedDay = i >= HISTORY_DAYS - UNCLASSIFIED_DAYS;
    for (const [seq, draft] of drafts.entries()) {
      const { code } = draft.phrases;
      const entry = CATALOGUE.get(code);
      if (!entry) throw new Error(`category ${code} is not in the catalogue`);
      const building =
        draft.phrases.place === 'any' || rng.chance(0.85)
          ? pickers[draft.phrases.place].pick(rng)
          : pickers.any.pick(rng);
      const channel: Channel = PATROL_ONLY.has(code)
        ? 'grid_patrol'
        : rng.weighted({ ...CHANNEL_MIX, sensor: SENSED.has(code) ? 12 : 0 });
      const roads = ROADS_BY_SUBDISTRICT[building.subdistrictId] ?? [building.road];
      const names = {
        subdistrict: subdistrictNames.get(building.subdistrictId)!,
        community: communityNames.get(building.communityId)!,
        crossRoad: rng.pick(
          roads
            .filter((r) => r !== building.road)
            .concat(roads)
            .slice(0, Math.max(1, roads.length)),
        ),
      };
      const description = describe(rng, channel, draft.phrases, building, names);
      // Within ~10 m of the building: the reporter stands in front of it, not on it.
      const lng = Math.round((building.lng + rng.float(-1e-4, 1e-4)) * 1e6) / 1e6;
      const lat = Math.round((building.lat + rng.float(-1e-4, 1e-4)) * 1e6) / 1e6;
      const reportedMs = day * 86_400_000 + (draft.minute * 60 + rng.int(0, 59)) * 1000 - 8 * 3_600_000;
      const orderNo = `FT${ymd}${pad(seq + 1, 5)}`;
      const anonymous = channel === 'sensor' || channel === 'grid_patrol' || rng.chance(0.2);
      const record: HistoryRecord = {
        order_no: orderNo,
        channel,
        category: entry.name,
        description,
        address: `福田区${names.subdistrict}${names.community}${building.road}${building.roadNo}号${building.estate}${building.building}`,
        lng,
        lat,
        reporter_name: anonymous ? '' : `${rng.pick(SURNAMES)}${rng.chance(0.5) ? '先生' : '女士'}`,
        reporter_phone: anonymous
          ? ''
          : `1${rng.pick(['3', '5', '8', '7', '9'])}${pad(rng.int(0, 999_999_999), 9)}`,
        reported_at: shenzhenIso(reportedMs),
        responded_at: null,
        resolved_at: null,
        closed_at: null,
        due_hours: entry.resolveHours,
        status: 'closed',
        rating: null,
        rating_comment: '',
        reopened: false,
      };
      if (unclassifiedDay && channel === 'hotline_12345') {
        onUnclassified({ order_no: orderNo, category: entry.name });
        yield { ...record, category: '', status: 'pending' };
        continue;
      }
      yield { ...record, ...outcome(rng, reportedMs, record.due_hours) };
    }
  }
}

/** When it was responded to, resolved and closed, and how the reporter rated it. */
function outcome(rng: Rng, reportedMs: number, dueHours: number): Partial<HistoryRecord> {
  const minute = 60_000;
  // The 10-minute response: met almost always, a few orders wait up to 40 minutes.
  const responded = reportedMs + (rng.chance(0.98) ? rng.int(1, 9) : rng.int(11, 40)) * minute;
  const due = dueHours * 60 * minute;
  // Resolution: log-normal around a third of the allowance; about 3% late.
  const late = rng.chance(0.03);
  const z = Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const typical = Math.min(0.97, Math.max(0.02, 0.3 * Math.exp(0.6 * z)));
  let resolved = reportedMs + (late ? due * rng.float(1.05, 2.5) : due * typical);
  const rated = rng.chance(0.6);
  const roll = rng.next();
  const rating = !rated ? null : roll < 0.01 ? rng.int(1, 2) : roll < 0.03 ? 3 : roll < 0.12 ? 4 : 5;
  const reopened = rating !== null && rating <= 2;
  if (reopened) resolved += rng.int(24, 96) * 60 * minute;
  const closed = resolved + rng.int(2, 48) * 60 * minute;
  return {
    responded_at: shenzhenIso(responded),
    resolved_at: shenzhenIso(resolved),
    closed_at: shenzhenIso(closed),
    rating,
    rating_comment:
      rating === null ? '' : rating <= 2 ? rng.pick(DISSATISFIED_COMMENTS) : rng.pick(SATISFIED_COMMENTS),
    reopened,
  };
}
