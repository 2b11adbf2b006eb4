// Sources about people: police household and floating-population registration, civil affairs' elderly
// register and subsidy payments, hospital births and social insurance's insured persons.

import { roomsOf } from '../addresses.ts';
import { OTHER_DISTRICTS } from '../messy/writing.ts';
import type { Rng } from '../random.ts';
import { type AddressHabits, writeAddress } from './address-text.ts';
import { ageAt, anniversary, DELIVERY_1, DELIVERY_2, formatDay, formatYmd, ymdOf } from './dates.ts';
import { picker } from './draw.ts';
import { cellInjector, corruptId, duplicateOf, error, futureDate, impossibleDate } from './inject.ts';
import { homeOn, type Person, type Place, placeId, presentOn } from './population.ts';
import {
  cells,
  col,
  columnAt,
  injectorOf,
  nameVariant,
  oldPhone,
  registerListsPhone,
  row,
  type SourceContext,
  type SourceSpec,
  sexText,
  writePhone,
} from './source.ts';
import { BANKS, POLICE_STATIONS, REGION_NAMES } from './vocabulary.ts';

const habits = (overrides: Partial<AddressHabits>): AddressHabits => ({
  province: 0,
  city: 0,
  district: 0,
  subdistrict: 0,
  community: 0,
  doorPlate: 0.8,
  estate: 0.6,
  respell: 0.05,
  roomSuffixes: [''],
  floorForm: 0,
  numerals: 0,
  fullwidth: 0,
  traditional: 0,
  typo: 0,
  spaces: 0,
  ...overrides,
});

/** Another residential room: where a stale record still places someone. */
function otherHome(rng: Rng, ctx: SourceContext, not: Place): Place {
  const { households } = ctx.world;
  for (;;) {
    const home = households[rng.int(0, households.length - 1)]!.home;
    if (placeId(home) !== placeId(not)) return home;
  }
}

/** Another room of the same building — a contradicting address. */
function nextDoor(rng: Rng, ctx: SourceContext, place: Place): Place {
  const rooms = [...roomsOf(place.building)].filter((room) => room.id !== place.room?.id);
  return rooms.length > 0 ? { building: place.building, room: rng.pick(rooms) } : otherHome(rng, ctx, place);
}

const POLICE_STATUS = { 'moved-out': '迁出', died: '死亡' } as const;

export const policeHousehold: SourceSpec = {
  source: 'police_household',
  department: '深圳市公安局福田分局（户政）',
  encoding: 'gbk',
  dates: 'slash',
  subject: 'the person (resident ID)',
  addressNote:
    'Formal: `广东省深圳市福田区` + subdistrict + community, then door plate, estate, building, entrance and room as digits (`…福保街道明月社区益田路3013号南方国际广场B座2301`); rarely a label respelled.',
  habits: habits({
    province: 0.85,
    city: 0.98,
    district: 1,
    subdistrict: 0.9,
    community: 0.85,
    doorPlate: 0.95,
    estate: 0.9,
    respell: 0.03,
    roomSuffixes: ['', '', '房', '室'],
    typo: 0.002,
  }),
  errors: {
    'bad-checksum': { rate: 0.0015, note: '公民身份号码' },
    'impossible-date': { rate: 0.0008, note: '出生日期' },
    'missing-id': { rate: 0.0008, note: '公民身份号码 empty' },
    'duplicate-row': { rate: 0.0008, note: 'the whole row' },
    'duplicate-entity': {
      rate: 0.0008,
      note: 'same 公民身份号码 again with a homophone in 姓名 or another 联系电话',
    },
  },
  columns: [
    col('户号', 'household number, 9 digits; members of one household share it'),
    col('姓名', 'name'),
    col('性别', '男 / 女'),
    col('民族', '汉族, 壮族, …'),
    col('出生日期', 'birth date, slash style'),
    col('公民身份号码', 'resident ID, 18 characters'),
    col('与户主关系', '户主, 配偶, 子, 女, 父亲, 母亲, 儿媳, 女婿, 孙子, 孙女'),
    col('户籍地址', 'registered address = where the household lives (formal style)'),
    col('所属派出所', 'police station of the subdistrict, e.g. 福保派出所'),
    col('联系电话', 'mobile; empty for children and some of the very old'),
    col('迁入日期', 'date registered at this address (birth date for those born here), slash style'),
    col('人口状态', '正常; in the second delivery also 迁出 (moved out) and 死亡 (died)'),
    col('变动日期', 'date of the 迁出 / 死亡, slash style; empty for 正常'),
  ],
  deliveries: [DELIVERY_1, DELIVERY_2],
  async write(ctx) {
    const { world, rng, feed, spec, delivery } = ctx;
    const inject = injectorOf(ctx);
    const at = columnAt(spec);
    const injectCell = cellInjector(inject, at);
    let checked = false;
    for (const household of world.households) {
      if (household.residency !== 'registered') continue;
      // No stale 户籍地址 is injected: the register is the authority on it, and no other feed could
      // tell that a row still showing the old address lags a move.
      const home = homeOn(household, world.people, delivery);
      const address = writeAddress(rng, home, spec.habits, ctx.names);
      for (const m of household.members) {
        const p = world.people[m]!;
        const leftInMonth =
          (p.change === 'moved-out' || p.change === 'died') &&
          p.changeDay > DELIVERY_1 &&
          p.changeDay <= delivery;
        if (!presentOn(p, delivery) && !leftInMonth) continue;
        const values = cells(
          spec,
          {
            户号: household.id,
            姓名: p.name,
            性别: sexText(p),
            民族: p.nation,
            出生日期: formatDay(p.birth, 'slash'),
            公民身份号码: p.id,
            与户主关系: p.relation,
            户籍地址: address,
            所属派出所: POLICE_STATIONS[home.building.subdistrictId]!,
            联系电话: p.phone,
            迁入日期: formatDay(p.since, 'slash'),
            人口状态: leftInMonth ? POLICE_STATUS[p.change as 'moved-out' | 'died'] : '正常',
            变动日期: leftInMonth ? formatDay(p.changeDay, 'slash') : '',
          },
          !checked,
        );
        checked = true;
        const r = row(values, p.id, placeId(home));
        if (!injectCell(r, 'bad-checksum', '公民身份号码', `true ${p.id}`, () => corruptId(rng, p.id)))
          injectCell(r, 'missing-id', '公民身份号码', `true ${p.id}`, () => '');
        injectCell(r, 'impossible-date', '出生日期', `true ${formatDay(p.birth, 'iso')}`, () =>
          impossibleDate(rng, 'slash'),
        );
        const number = await feed.write(r);
        if (inject.roll('duplicate-row')) feed.later(duplicateOf(r, number), rng.int(1, 3000));
        else if (inject.roll('duplicate-entity')) {
          const copy = duplicateOf(r, number);
          if (p.phone && rng.chance(0.5)) copy.values[at('联系电话')] = oldPhone(rng, p.phone);
          else copy.values[at('姓名')] = nameVariant(p.name);
          copy.errors = [...r.errors, error('duplicate-entity', '姓名', `row ${number}`)];
          feed.later(copy, rng.int(50, 5000));
        }
      }
    }
  },
};

const stayReason = picker({ 务工: 70, 经商: 12, 投靠亲友: 10, 就学: 3, 其他: 5 });

export const policeFloating: SourceSpec = {
  source: 'police_floating',
  department: '深圳市公安局福田分局（流动人口和出租屋综合管理）',
  encoding: 'utf8-bom',
  dates: 'compact',
  subject: 'the person (resident ID)',
  addressNote:
    'As the grid worker types it on a phone: mostly without province and city, `福田区` half the time, door plate and room (`石厦北二街5号302房`, `福田区景田花园3号楼1502`); full-width digits, Chinese numerals and homophones now and then. `房屋编码` holds the 25-digit room code for about half the rows.',
  habits: habits({
    district: 0.5,
    city: 0.2,
    subdistrict: 0.1,
    community: 0.1,
    doorPlate: 0.75,
    estate: 0.6,
    respell: 0.25,
    roomSuffixes: ['', '房', '室', '号'],
    floorForm: 0.08,
    numerals: 0.05,
    fullwidth: 0.04,
    traditional: 0.005,
    typo: 0.02,
    spaces: 0.05,
  }),
  errors: {
    'missing-id': { rate: 0.05, note: '证件号码 empty: link by name, birth date, phone and address' },
    'bad-checksum': { rate: 0.003, note: '证件号码' },
    'impossible-date': { rate: 0.001, note: '出生日期' },
    'future-date': { rate: 0.0005, note: '登记日期 after the delivery' },
    'duplicate-row': { rate: 0.001, note: 'the whole row' },
    'duplicate-entity': {
      rate: 0.004,
      note: 'the person registered again under a new 登记编号, with a homophone in 姓名 or another 联系电话',
    },
    stale: {
      rate: 0.01,
      note: 'an old address with an old 登记日期 (3–6 years back): the person has moved since',
    },
    contradiction: {
      rate: 0.015,
      note: 'of the tenants of a lease filed with housing and still in force after the October delivery, 现居住地址 is another room of the same building than the leased one (where the truth has them); a lease ended in October no longer says where anyone lives, so nothing could contradict the address',
    },
  },
  columns: [
    col('登记编号', 'registration number, `FT` + 10 digits'),
    col('姓名', 'name'),
    col('性别', '男 / 女'),
    col('证件类型', 'always 居民身份证'),
    col('证件号码', 'resident ID; empty on some rows'),
    col('出生日期', 'birth date, compact style'),
    col('户籍地', 'home region (province, city, county) as text'),
    col('现居住地址', 'where the person lives now (grid-worker style)'),
    col('房屋编码', '25-digit room code or empty'),
    col('居住事由', '务工, 经商, 投靠亲友, 就学, 其他'),
    col('联系电话', 'mobile, sometimes grouped `138-1234-5678`'),
    col('登记日期', 'date of this registration, compact style'),
    col('居住状态', 'always 在住'),
  ],
  deliveries: [DELIVERY_1],
  async write(ctx) {
    const { world, rng, feed, spec } = ctx;
    const inject = injectorOf(ctx);
    const at = columnAt(spec);
    const injectCell = cellInjector(inject, at);
    let seq = 0;
    let checked = false;
    // Where a filed lease says a person lives: there an address written otherwise contradicts housing.
    // Only a lease still in force after the last delivery: one ended in October no longer says where
    // anyone lives, and with it goes the only source that could tell the address is wrong.
    const leasedHome = new Map<number, string>();
    for (const rental of world.rentals)
      if (rental.delivery === 1 && rental.tenant.kind === 'person' && rental.terminated === null)
        leasedHome.set(rental.tenant.index, placeId(rental.place));
    for (const household of world.households) {
      if (household.residency !== 'floating' || household.arrived) continue;
      for (const m of household.members) {
        const p = world.people[m]!;
        if (ageAt(p.birth, DELIVERY_1) < 16 || !rng.chance(0.85)) continue;
        let home = household.home;
        let registered = Math.max(p.since, DELIVERY_1 - 3 * 365 + rng.int(0, 3 * 365 - 1));
        const r = row([], p.id, null);
        if (inject.roll('stale')) {
          const old = otherHome(rng, ctx, home);
          r.errors.push(error('stale', '现居住地址', `lives at ${placeId(home)} now`));
          home = old;
          // More than three years back (366: a leap day may lie between): older than any current registration.
          registered = DELIVERY_1 - rng.int(3 * 366, 6 * 365);
        } else if (leasedHome.get(m) === placeId(home) && inject.roll('contradiction')) {
          const wrong = nextDoor(rng, ctx, home);
          r.errors.push(error('contradiction', '现居住地址', `true ${placeId(home)}`));
          home = wrong;
        }
        r.address = placeId(home);
        r.values = cells(
          spec,
          {
            登记编号: `FT${String(++seq).padStart(10, '0')}`,
            姓名: p.name,
            性别: sexText(p),
            证件类型: '居民身份证',
            证件号码: p.id,
            出生日期: formatDay(p.birth, 'compact'),
            户籍地: REGION_NAMES.get(p.id.slice(0, 6)) ?? '广东省',
            现居住地址: writeAddress(rng, home, spec.habits, ctx.names),
            房屋编码: rng.chance(0.55) && home.room ? home.room.id : '',
            居住事由: stayReason(rng),
            联系电话: writePhone(rng, p.phone, 0.08),
            登记日期: formatDay(registered, 'compact'),
            居住状态: '在住',
          },
          !checked,
        );
        checked = true;
        if (!injectCell(r, 'missing-id', '证件号码', `true ${p.id}`, () => ''))
          injectCell(r, 'bad-checksum', '证件号码', `true ${p.id}`, () => corruptId(rng, p.id));
        injectCell(r, 'impossible-date', '出生日期', `true ${formatDay(p.birth, 'iso')}`, () =>
          impossibleDate(rng, 'compact'),
        );
        injectCell(r, 'future-date', '登记日期', 'after the delivery', () => futureDate(rng, 'compact'));
        const number = await feed.write(r);
        if (inject.roll('duplicate-row')) feed.later(duplicateOf(r, number), rng.int(1, 3000));
        else if (inject.roll('duplicate-entity')) {
          const copy = duplicateOf(r, number);
          copy.values[at('登记编号')] = `FT${String(++seq).padStart(10, '0')}`;
          if (p.phone && rng.chance(0.5)) copy.values[at('联系电话')] = oldPhone(rng, p.phone);
          else copy.values[at('姓名')] = nameVariant(p.name);
          copy.values[at('现居住地址')] = writeAddress(rng, home, spec.habits, ctx.names);
          copy.errors = [...r.errors, error('duplicate-entity', '姓名', `row ${number}`)];
          feed.later(copy, rng.int(50, 5000));
        }
      }
    }
  },
};

const ELDERLY_HABITS = habits({
  district: 0.7,
  city: 0.3,
  doorPlate: 0.4,
  estate: 0.95,
  respell: 0.15,
  roomSuffixes: ['', '室', '房'],
  floorForm: 0.03,
  numerals: 0.03,
  typo: 0.01,
  spaces: 0.03,
});

export const civilElderly: SourceSpec = {
  source: 'civil_elderly',
  department: '福田区民政局（老龄工作）',
  encoding: 'utf8-bom',
  dates: 'slash',
  subject: 'the elderly person (resident ID)',
  addressNote:
    'Community staff style: `福田区` most of the time, then estate, building and room, the door plate less often (`福田区莲花北村12栋302`).',
  habits: ELDERLY_HABITS,
  errors: {
    'bad-checksum': { rate: 0.002, note: '身份证号' },
    'missing-id': { rate: 0.002, note: '身份证号 empty' },
    'impossible-date': { rate: 0.001, note: '出生年月日' },
    'duplicate-entity': {
      rate: 0.003,
      note: 'the person entered again by another community office: same 身份证号, address written differently, another 联系电话 now and then',
    },
    stale: { rate: 0.01, note: 'an old 居住地址 with an 更新日期 years back' },
    contradiction: {
      rate: 0.004,
      note: 'of the people the police register lists with a phone, 联系电话 differs from police and the truth',
    },
  },
  columns: [
    col('姓名', 'name'),
    col('性别', '男 / 女'),
    col('身份证号', 'resident ID'),
    col('出生年月日', 'birth date, slash style'),
    col('年龄', 'age in whole years on the update date'),
    col('户籍性质', '本市户籍 / 非本市户籍'),
    col('所属街道', 'subdistrict name'),
    col('所属社区', 'community name'),
    col('居住地址', 'address (community-office style)'),
    col('联系电话', 'mobile or empty'),
    col('居住状况', '独居, 与配偶同住, 与子女同住, 其他'),
    col('紧急联系人', 'name of a family member living with them, or empty'),
    col('紧急联系人电话', 'that person’s mobile'),
    col('更新日期', 'date the record was last updated, slash style'),
  ],
  deliveries: [DELIVERY_1],
  async write(ctx) {
    const { world, rng, feed, spec } = ctx;
    const inject = injectorOf(ctx);
    const at = columnAt(spec);
    const injectCell = cellInjector(inject, at);
    let checked = false;
    for (const household of world.households) {
      if (household.arrived) continue;
      for (const m of household.members) {
        const p = world.people[m]!;
        if (p.change === 'born' || ageAt(p.birth, DELIVERY_1) < 60) continue;
        if (!rng.chance(p.residency === 'registered' ? 0.92 : 0.5)) continue;
        const others = household.members.filter((o) => o !== m).map((o) => world.people[o]!);
        const contact =
          others.find((o) => o.phone && ageAt(o.birth, DELIVERY_1) < 60) ?? others.find((o) => o.phone);
        const living =
          others.length === 0
            ? '独居'
            : others.every((o) => o.relation === '配偶' || (p.relation === '配偶' && o.relation === '户主'))
              ? '与配偶同住'
              : others.some((o) => ageAt(o.birth, DELIVERY_1) < 60)
                ? '与子女同住'
                : '其他';
        let home = household.home;
        let updated = DELIVERY_1 - rng.int(10, 700);
        const r = row([], p.id, null);
        if (inject.roll('stale')) {
          home = otherHome(rng, ctx, home);
          updated = DELIVERY_1 - rng.int(4 * 365, 7 * 365);
          r.errors.push(error('stale', '居住地址', `lives at ${placeId(household.home)} now`));
        }
        r.address = placeId(home);
        let phone = p.phone;
        if (registerListsPhone(world, p) && inject.roll('contradiction')) {
          phone = oldPhone(rng, phone);
          r.errors.push(error('contradiction', '联系电话', `true ${p.phone}`));
        }
        r.values = cells(
          spec,
          {
            姓名: p.name,
            性别: sexText(p),
            身份证号: p.id,
            出生年月日: formatDay(p.birth, 'slash'),
            年龄: ageAt(p.birth, updated),
            户籍性质: p.residency === 'registered' ? '本市户籍' : '非本市户籍',
            所属街道: ctx.names.subdistrict.get(home.building.subdistrictId)!,
            所属社区: ctx.names.community.get(home.building.communityId)!,
            居住地址: writeAddress(rng, home, spec.habits, ctx.names),
            联系电话: writePhone(rng, phone, 0.1),
            居住状况: living,
            紧急联系人: contact?.name ?? '',
            紧急联系人电话: contact?.phone ?? '',
            更新日期: formatDay(updated, 'slash'),
          },
          !checked,
        );
        checked = true;
        if (contact) r.related = `contact=${contact.id}`;
        if (!injectCell(r, 'bad-checksum', '身份证号', `true ${p.id}`, () => corruptId(rng, p.id)))
          injectCell(r, 'missing-id', '身份证号', `true ${p.id}`, () => '');
        injectCell(r, 'impossible-date', '出生年月日', `true ${formatDay(p.birth, 'iso')}`, () =>
          impossibleDate(rng, 'slash'),
        );
        const number = await feed.write(r);
        if (inject.roll('duplicate-entity')) {
          const copy = duplicateOf(r, number);
          // The other office typed the ID correctly, so only the address-side errors carry over.
          copy.values[at('身份证号')] = p.id;
          copy.values[at('居住地址')] = writeAddress(rng, home, spec.habits, ctx.names);
          if (p.phone && rng.chance(0.4)) copy.values[at('联系电话')] = oldPhone(rng, p.phone);
          const carried = r.errors.filter((e) => e.field !== '身份证号');
          copy.errors = [...carried, error('duplicate-entity', '身份证号', `row ${number}`)];
          feed.later(copy, rng.int(50, 5000));
        }
      }
    }
  },
};

/** Elderly allowance by age (the seeds: 100 yuan a month from 70), 低保 and disability support. */
const ALLOWANCE = [
  { from: 100, amount: 500 },
  { from: 90, amount: 300 },
  { from: 80, amount: 200 },
  { from: 70, amount: 100 },
];

export const civilSubsidy: SourceSpec = {
  source: 'civil_subsidy',
  department: '福田区民政局（社会救助和福利）',
  encoding: 'gbk',
  dates: 'chinese',
  subject: 'the recipient (resident ID)',
  addressNote: 'No address: only 所属社区.',
  habits: ELDERLY_HABITS,
  errors: {
    'bad-checksum': { rate: 0.002, note: '身份证号' },
    'missing-id': { rate: 0.001, note: '身份证号 empty' },
    'impossible-date': { rate: 0.001, note: '开始享受日期' },
    'future-date': { rate: 0.0005, note: '开始享受日期 after the delivery' },
    'duplicate-row': { rate: 0.002, note: 'the same payment listed twice' },
  },
  columns: [
    col('姓名', 'name'),
    col('身份证号', 'resident ID'),
    col('补贴项目', '高龄津贴 (70+, registered), 最低生活保障金, 重度残疾人护理补贴'),
    col('发放标准（元/月）', 'monthly amount, whole yuan'),
    col('发放月份', 'month paid, `2026年9月`'),
    col('发放金额（元）', 'amount paid this month, two decimals'),
    col('开始享受日期', 'first month of entitlement, chinese style'),
    col('所属社区', 'community name'),
    col('开户银行', 'bank branch'),
    col('银行卡号', 'masked card number `622202******1234`'),
    col('联系电话', 'mobile of the recipient or of a family member'),
  ],
  deliveries: [DELIVERY_1],
  async write(ctx) {
    const { world, rng, feed, spec } = ctx;
    const inject = injectorOf(ctx);
    const at = columnAt(spec);
    const injectCell = cellInjector(inject, at);
    const month = ymdOf(DELIVERY_1);
    let checked = false;
    for (const household of world.households) {
      if (household.residency !== 'registered' || household.arrived) continue;
      const poor = rng.chance(0.004);
      for (const m of household.members) {
        const p = world.people[m]!;
        if (p.change === 'born') continue;
        const age = ageAt(p.birth, DELIVERY_1);
        const grants: { item: string; amount: number; since: number }[] = [];
        // The allowance starts once applied for, one to four months after the birthday; some never apply.
        const seventy = anniversary(p.birth, 70);
        const applied = seventy + rng.int(30, 120);
        if (age >= 70 && applied <= DELIVERY_1 && rng.chance(0.85)) {
          const tier = ALLOWANCE.find((a) => age >= a.from)!;
          grants.push({ item: '高龄津贴', amount: tier.amount, since: applied });
        }
        if (poor && (p.relation === '户主' || age >= 18))
          grants.push({ item: '最低生活保障金', amount: 1365, since: DELIVERY_1 - rng.int(60, 2000) });
        if (rng.chance(0.005))
          grants.push({ item: '重度残疾人护理补贴', amount: 300, since: DELIVERY_1 - rng.int(60, 3000) });
        if (grants.length === 0) continue;
        const phone = p.phone || household.members.map((o) => world.people[o]!.phone).find(Boolean) || '';
        const bank = rng.pick(BANKS);
        for (const grant of grants) {
          const start = ymdOf(grant.since);
          const r = row(
            cells(
              spec,
              {
                姓名: p.name,
                身份证号: p.id,
                补贴项目: grant.item,
                '发放标准（元/月）': grant.amount,
                发放月份: `${month.year}年${month.month}月`,
                '发放金额（元）': grant.amount.toFixed(2),
                开始享受日期: formatYmd({ ...start, day: 1 }, 'chinese'),
                所属社区: ctx.names.community.get(household.home.building.communityId)!,
                开户银行: bank.name,
                银行卡号: `${bank.bin}******${String(rng.int(0, 9999)).padStart(4, '0')}`,
                联系电话: phone,
              },
              !checked,
            ),
            p.id,
            null,
          );
          checked = true;
          if (!injectCell(r, 'bad-checksum', '身份证号', `true ${p.id}`, () => corruptId(rng, p.id)))
            injectCell(r, 'missing-id', '身份证号', `true ${p.id}`, () => '');
          const since = `true ${formatDay(grant.since, 'iso')}`;
          if (!injectCell(r, 'impossible-date', '开始享受日期', since, () => impossibleDate(rng, 'chinese')))
            injectCell(r, 'future-date', '开始享受日期', since, () => futureDate(rng, 'chinese'));
          const number = await feed.write(r);
          if (inject.roll('duplicate-row')) feed.later(duplicateOf(r, number), rng.int(1, 500));
        }
      }
    }
  },
};

const BIRTH_HABITS = habits({
  district: 0.6,
  city: 0.4,
  doorPlate: 0.35,
  estate: 0.95,
  respell: 0.3,
  roomSuffixes: ['', '室', '房', '号'],
  floorForm: 0.1,
  numerals: 0.04,
  fullwidth: 0.05,
  traditional: 0.01,
  typo: 0.03,
  spaces: 0.05,
});

export const healthBirth: SourceSpec = {
  source: 'health_birth',
  department: '福田区卫生健康局（出生医学证明，各助产机构上报）',
  encoding: 'utf8-bom',
  dates: 'slash',
  subject: 'the newborn (the child’s resident ID, which the row never carries: link by mother and birth)',
  addressNote:
    'Typed by the mother at the hospital: estate and room, door plate a third of the time, respellings, full-width digits and typos more often than elsewhere; families from outside the district give an address in another district (no truth address).',
  habits: BIRTH_HABITS,
  errors: {
    'future-date': { rate: 0.002, note: '出生时间 after the delivery' },
    'impossible-date': { rate: 0.001, note: '出生时间' },
    'bad-checksum': { rate: 0.002, note: '母亲身份证号' },
    'missing-id': { rate: 0.003, note: '母亲身份证号 empty' },
    'duplicate-row': { rate: 0.001, note: 'a certificate reported twice' },
  },
  columns: [
    col('出生医学证明编号', 'certificate number: a letter for the year and 9 digits'),
    col('新生儿姓名', 'the baby’s name; empty when not yet named'),
    col('性别', '男 / 女'),
    col('出生时间', 'birth date and time, slash style `2024/3/7 8:05`'),
    col('出生体重（克）', 'grams'),
    col('出生孕周', 'weeks of pregnancy'),
    col('助产机构', 'hospital'),
    col('母亲姓名', 'mother’s name'),
    col('母亲身份证号', 'mother’s resident ID'),
    col('父亲姓名', 'father’s name; may be empty'),
    col('父亲身份证号', 'father’s resident ID; may be empty'),
    col('家庭住址', 'home address (mother’s writing)'),
    col('联系电话', 'mother’s mobile'),
    col('签发日期', 'certificate issue date, slash style'),
  ],
  deliveries: [DELIVERY_1],
  async write(ctx) {
    const { world, rng, feed, spec } = ctx;
    const inject = injectorOf(ctx);
    const at = columnAt(spec);
    const injectCell = cellInjector(inject, at);
    const time = (day: number, minute: number) =>
      `${formatDay(day, 'slash')} ${Math.floor(minute / 60)}:${String(minute % 60).padStart(2, '0')}`;
    let checked = false;
    for (const birth of world.births) {
      const child = world.people[birth.child]!;
      const mother = world.people[birth.mother]!;
      const father: Person | undefined = world.people[birth.father];
      const elsewhere = rng.pick(OTHER_DISTRICTS);
      const address = birth.home
        ? writeAddress(rng, birth.home, spec.habits, ctx.names)
        : `深圳市${elsewhere.district}${rng.pick(elsewhere.roads)}${rng.int(1, 300)}号${rng.int(2, 30)}0${rng.int(1, 8)}`;
      const r = row(
        cells(
          spec,
          {
            出生医学证明编号: birth.certificate,
            新生儿姓名: birth.named ? child.name : '',
            性别: sexText(child),
            出生时间: time(child.birth, birth.minute),
            '出生体重（克）': birth.grams,
            出生孕周: birth.weeks,
            助产机构: birth.hospital,
            母亲姓名: mother.name,
            母亲身份证号: mother.id,
            父亲姓名: father?.name ?? '',
            父亲身份证号: father?.id ?? '',
            家庭住址: address,
            联系电话: writePhone(rng, mother.phone, 0.05),
            签发日期: formatDay(birth.issued, 'slash'),
          },
          !checked,
        ),
        child.id,
        birth.home ? placeId(birth.home) : null,
        father ? `mother=${mother.id}|father=${father.id}` : `mother=${mother.id}`,
      );
      checked = true;
      const born = `true ${formatDay(child.birth, 'iso')}`;
      const later = () =>
        `${futureDate(rng, 'slash')} ${rng.int(0, 23)}:${String(rng.int(0, 59)).padStart(2, '0')}`;
      const impossible = () => `${impossibleDate(rng, 'slash')} ${rng.int(0, 23)}:00`;
      if (!injectCell(r, 'future-date', '出生时间', born, later))
        injectCell(r, 'impossible-date', '出生时间', born, impossible);
      if (
        !injectCell(r, 'bad-checksum', '母亲身份证号', `true ${mother.id}`, () => corruptId(rng, mother.id))
      )
        injectCell(r, 'missing-id', '母亲身份证号', `true ${mother.id}`, () => '');
      const number = await feed.write(r);
      if (inject.roll('duplicate-row')) feed.later(duplicateOf(r, number), rng.int(1, 2000));
    }
  },
};

/** Social insurance numbers its employers itself; the same number appears in both of its files. */
export const employerNumber = (entity: number): string => `3${String(entity + 1).padStart(7, '0')}`;

export const socialInsurancePerson: SourceSpec = {
  source: 'social_insurance_person',
  department: '深圳市社会保险基金管理局福田分局（参保人员）',
  encoding: 'gbk',
  dates: 'compact',
  subject: 'the insured person (resident ID)',
  addressNote: 'No address.',
  habits: ELDERLY_HABITS,
  errors: {
    'bad-checksum': { rate: 0.002, note: '公民身份号码' },
    'missing-id': { rate: 0.002, note: '公民身份号码 empty' },
    contradiction: {
      rate: 0.01,
      note: 'of the people the police register lists with a phone, 手机号码 is an old number: differs from police and the truth',
    },
    'impossible-date': { rate: 0.001, note: '出生日期' },
    'duplicate-row': { rate: 0.001, note: 'the whole row' },
  },
  columns: [
    col('个人编号', 'insured person number, 9 digits'),
    col('姓名', 'name'),
    col('公民身份号码', 'resident ID'),
    col('性别', '男 / 女'),
    col('出生日期', 'birth date, compact style'),
    col('单位编号', 'employer number (as in social_insurance_employer)'),
    col('单位名称', 'employer name'),
    col('参保状态', '正常参保 / 暂停参保'),
    col('首次参保日期', 'first insured anywhere, compact style'),
    col('本单位参保日期', 'insured with this employer since, compact style'),
    col('缴费基数', 'monthly contribution base, yuan, two decimals'),
    col('手机号码', 'mobile'),
  ],
  deliveries: [DELIVERY_1],
  async write(ctx) {
    const { world, rng, feed, spec } = ctx;
    const inject = injectorOf(ctx);
    const at = columnAt(spec);
    const injectCell = cellInjector(inject, at);
    let checked = false;
    let seq = 0;
    for (const job of world.jobs) {
      const p = world.people[job.person]!;
      const employer = world.entities[job.employer]!;
      const r = row(
        cells(
          spec,
          {
            个人编号: String(600_000_000 + ++seq),
            姓名: p.name,
            公民身份号码: p.id,
            性别: sexText(p),
            出生日期: formatDay(p.birth, 'compact'),
            单位编号: employerNumber(job.employer),
            单位名称: employer.name,
            参保状态: job.state,
            首次参保日期: formatDay(job.firstInsured, 'compact'),
            本单位参保日期: formatDay(job.since, 'compact'),
            缴费基数: job.base.toFixed(2),
            手机号码: p.phone,
          },
          !checked,
        ),
        p.id,
        null,
        `employer=${employer.code}`,
      );
      checked = true;
      if (!injectCell(r, 'bad-checksum', '公民身份号码', `true ${p.id}`, () => corruptId(rng, p.id)))
        injectCell(r, 'missing-id', '公民身份号码', `true ${p.id}`, () => '');
      if (registerListsPhone(world, p))
        injectCell(r, 'contradiction', '手机号码', `true ${p.phone}`, () => oldPhone(rng, p.phone));
      injectCell(r, 'impossible-date', '出生日期', `true ${formatDay(p.birth, 'iso')}`, () =>
        impossibleDate(rng, 'compact'),
      );
      const number = await feed.write(r);
      if (inject.roll('duplicate-row')) feed.later(duplicateOf(r, number), rng.int(1, 3000));
    }
  },
};
