// Days as whole numbers (days since 1970-01-01, UTC), so ages and intervals are integer arithmetic,
// and the four ways departments write a date.

export type DateStyle = 'slash' | 'compact' | 'chinese' | 'iso';

const MS_PER_DAY = 86_400_000;

export function dayOf(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) / MS_PER_DAY;
}

export interface Ymd {
  year: number;
  month: number;
  day: number;
}

/** Civil date of a day number without a Date object (Hinnant's days-to-civil): ages are taken millions of times. */
export function ymdOf(day: number): Ymd {
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const month = mp < 10 ? mp + 3 : mp - 9;
  return {
    year: yoe + era * 400 + (month <= 2 ? 1 : 0),
    month,
    day: doy - Math.floor((153 * mp + 2) / 5) + 1,
  };
}

export const yearOf = (day: number): number => ymdOf(day).year;

/** The first delivery is as of this day, the second a month later. */
export const DELIVERY_1 = dayOf(2026, 9, 30);
export const DELIVERY_2 = dayOf(2026, 10, 31);

/** `20260930`: file-name suffix of a delivery. */
export function stamp(day: number): string {
  return formatDay(day, 'compact');
}

/** `yyyymmdd` as a number, without allocating: ages are taken millions of times. */
function ymdNumber(day: number): number {
  const { year, month, day: d } = ymdOf(day);
  return year * 10_000 + month * 100 + d;
}

/** Whole years between a birth day and a day. */
export function ageAt(birth: number, day: number): number {
  return Math.floor((ymdNumber(day) - ymdNumber(birth)) / 10_000);
}

/** The day someone born on `birth` turns `years`; 29 February birthdays fall on 1 March. */
export function anniversary(birth: number, years: number): number {
  const b = ymdOf(birth);
  return dayOf(b.year + years, b.month, b.day);
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** Writes the parts as given, valid or not: impossible dates are written with this too. */
export function formatYmd({ year, month, day }: Ymd, style: DateStyle): string {
  switch (style) {
    case 'slash':
      return `${year}/${month}/${day}`;
    case 'compact':
      return `${year}${pad2(month)}${pad2(day)}`;
    case 'chinese':
      return `${year}年${month}月${day}日`;
    case 'iso':
      return `${year}-${pad2(month)}-${pad2(day)}`;
  }
}

export function formatDay(day: number, style: DateStyle): string {
  return formatYmd(ymdOf(day), style);
}

/** `yyyymmdd` as in a resident ID. */
export function idDate(day: number): string {
  return formatDay(day, 'compact');
}
