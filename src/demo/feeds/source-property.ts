// Housing sources: lease filings (租赁备案) — tenants who are persons are listed by name, birth date and
// phone only — and the property register (不动产登记), one row per owner.
import type { AddressHabits } from './address-text.ts';
import { writeAddress } from './address-text.ts';
import { DELIVERY_1, DELIVERY_2, formatDay } from './dates.ts';
import { cellInjector, corruptId, duplicateOf, error, impossibleDate } from './inject.ts';
import { placeId } from './population.ts';
import type { Party } from './property.ts';
import {
  cells,
  col,
  columnAt,
  injectorOf,
  oldPhone,
  registerListsPhone,
  row,
  type SourceSpec,
  writePhone,
} from './source.ts';
import type { FeedWorld } from './world.ts';

const HOUSING_HABITS: AddressHabits = {
  province: 0.1,
  city: 0.7,
  district: 0.9,
  subdistrict: 0.15,
  community: 0.1,
  doorPlate: 0.85,
  estate: 0.85,
  respell: 0.1,
  roomSuffixes: ['', '房', '室'],
  floorForm: 0.02,
  numerals: 0.01,
  fullwidth: 0.01,
  traditional: 0,
  typo: 0.01,
  spaces: 0.02,
};

/** Name, ID and phone of a party; `id` is the resident ID or the credit code. */
function partyOf(
  world: FeedWorld,
  party: Party,
): { name: string; id: string; phone: string; birth: number | null } {
  if (party.kind === 'person') {
    const p = world.people[party.index]!;
    return { name: p.name, id: p.id, phone: p.phone, birth: p.birth };
  }
  const e = world.entities[party.index]!;
  return { name: e.name, id: e.code, phone: world.people[e.rep]!.phone, birth: null };
}

export const housingRental: SourceSpec = {
  source: 'housing_rental',
  department: '福田区住房和建设局（房屋租赁合同备案）',
  encoding: 'utf8',
  dates: 'iso',
  subject: 'the tenant (resident ID of a person, credit code of a company)',
  addressNote:
    '`深圳市福田区` + door plate + estate + building + room (`深圳市福田区益田路3013号南方国际广场B座2301`); `房屋编码` holds the room code on most rows.',
  habits: HOUSING_HABITS,
  errors: {
    contradiction: {
      rate: 0.02,
      note: 'of the tenants the police register lists with a phone, 承租人联系电话 is an old number: differs from police and the truth',
    },
    'bad-checksum': { rate: 0.002, note: '出租人证件号码' },
    'impossible-date': { rate: 0.001, note: '租赁起始日期' },
    'duplicate-row': { rate: 0.002, note: 'a filing exported twice' },
    stale: {
      rate: 0.03,
      note: 'of the expired contracts (已到期), this share is still marked 有效 although 租赁终止日期 has passed',
    },
  },
  columns: [
    { header: '备案编号', meaning: 'filing number `深房租福田` + year + 7 digits; the key of a contract' },
    { header: '房屋编码', meaning: '25-digit room code; empty on about one row in seven' },
    { header: '房屋地址', meaning: 'address (housing style)' },
    { header: '房屋用途', meaning: '住宅 / 办公 / 商业' },
    { header: '租赁面积（㎡）', meaning: 'floor area, m²' },
    { header: '出租人', meaning: 'landlord name (person or company)' },
    { header: '出租人证件号码', meaning: 'landlord resident ID or credit code' },
    { header: '承租人', meaning: 'tenant name' },
    { header: '承租人类型', meaning: '个人 / 单位' },
    {
      header: '承租人证件号码',
      meaning: 'credit code for 单位; always empty for 个人 (link persons by name, birth date, phone, room)',
    },
    { header: '承租人出生日期', meaning: 'tenant birth date (个人 only), iso style' },
    { header: '承租人联系电话', meaning: 'tenant mobile (for 单位: its representative’s)' },
    { header: '月租金（元）', meaning: 'monthly rent, whole yuan' },
    { header: '租赁起始日期', meaning: 'lease start, iso style' },
    { header: '租赁终止日期', meaning: 'lease end, iso style' },
    { header: '备案日期', meaning: 'filing date, iso style' },
    { header: '合同状态', meaning: '有效 / 已到期 / 已解除' },
    { header: '解除日期', meaning: 'date a lease was ended early (已解除), iso style' },
  ],
  deliveries: [DELIVERY_1, DELIVERY_2],
  async write(ctx) {
    const { world, rng, feed, spec, first } = ctx;
    const inject = injectorOf(ctx);
    const at = columnAt(spec);
    const injectCell = cellInjector(inject, at);
    let checked = false;
    for (const rental of world.rentals) {
      // The first delivery: every filing made by then, as it stood; the second: October's filings and
      // the leases ended in October.
      const ended = rental.terminated !== null;
      if (first ? rental.delivery !== 1 : rental.delivery !== 2 && !ended) continue;
      const landlord = partyOf(world, rental.landlord);
      const tenant = partyOf(world, rental.tenant);
      const person = rental.tenant.kind === 'person';
      const status = first && rental.status === '已解除' ? '有效' : rental.status;
      const r = row([], tenant.id, placeId(rental.place), `landlord=${landlord.id}`);
      let shown = status;
      if (status === '已到期' && inject.roll('stale')) {
        shown = '有效';
        r.errors.push(error('stale', '合同状态', `ended ${formatDay(rental.end, 'iso')}`));
      }
      let phone = tenant.phone;
      // Into filings no later delivery sends again: a lease ended in October is sent again then, as
      // its filing stands, and that newer row would correct the older one unseen. (An ended lease
      // sent again says what its filing said.)
      const filedNow = first ? !ended : rental.delivery === 2;
      if (
        person &&
        filedNow &&
        registerListsPhone(world, world.people[rental.tenant.index]!) &&
        inject.roll('contradiction')
      ) {
        phone = oldPhone(rng, phone);
        r.errors.push(error('contradiction', '承租人联系电话', `true ${tenant.phone}`));
      }
      r.values = cells(
        spec,
        {
          备案编号: rental.id,
          房屋编码: rng.chance(0.85) ? placeId(rental.place) : '',
          房屋地址: writeAddress(rng, rental.place, spec.habits, ctx.names),
          房屋用途: rental.use,
          '租赁面积（㎡）': rental.area,
          出租人: landlord.name,
          出租人证件号码: landlord.id,
          承租人: tenant.name,
          承租人类型: person ? '个人' : '单位',
          承租人证件号码: person ? '' : tenant.id,
          承租人出生日期: tenant.birth === null ? '' : formatDay(tenant.birth, 'iso'),
          承租人联系电话: writePhone(rng, phone, 0.1),
          '月租金（元）': rental.rent,
          租赁起始日期: formatDay(rental.start, 'iso'),
          租赁终止日期: formatDay(rental.end, 'iso'),
          备案日期: formatDay(rental.filed, 'iso'),
          合同状态: shown,
          解除日期: !first && ended ? formatDay(rental.terminated!, 'iso') : '',
        },
        !checked,
      );
      checked = true;
      injectCell(r, 'bad-checksum', '出租人证件号码', `true ${landlord.id}`, () =>
        corruptId(rng, landlord.id),
      );
      injectCell(r, 'impossible-date', '租赁起始日期', `true ${formatDay(rental.start, 'iso')}`, () =>
        impossibleDate(rng, 'iso'),
      );
      const number = await feed.write(r);
      if (inject.roll('duplicate-row')) feed.later(duplicateOf(r, number), rng.int(1, 3000));
    }
  },
};

export const housingOwnership: SourceSpec = {
  source: 'housing_ownership',
  department: '深圳市规划和自然资源局福田管理局（不动产登记）',
  encoding: 'utf8',
  dates: 'iso',
  subject: 'the owner (resident ID or credit code); co-owners have a row each under the same certificate',
  addressNote:
    '`坐落` as on the certificate: `深圳市福田区` + door plate + estate + building + room, hardly ever abbreviated; village houses are whole buildings (`石厦村石厦北二街5号`) without a certificate number.',
  habits: {
    ...HOUSING_HABITS,
    province: 0,
    city: 0.95,
    district: 1,
    subdistrict: 0.05,
    community: 0,
    doorPlate: 0.95,
    estate: 0.95,
    respell: 0.02,
    roomSuffixes: ['', '', '房'],
    typo: 0.003,
    fullwidth: 0,
    spaces: 0,
  },
  errors: {
    'bad-checksum': { rate: 0.002, note: '证件号码' },
    'missing-id': { rate: 0.002, note: '证件号码 empty' },
    'impossible-date': { rate: 0.001, note: '登记日期' },
    'duplicate-row': { rate: 0.001, note: 'the whole row' },
  },
  columns: [
    col(
      '不动产权证号',
      '`粤(2019)深圳市不动产权第0123456号`, older `深房地字第3000123456号`; empty for village houses',
    ),
    col('房屋编码', '25-digit room code (19-digit building code for a village house); sometimes empty'),
    col('坐落', 'address (certificate style)'),
    col('权利人', 'owner name'),
    col('证件种类', '居民身份证 / 统一社会信用代码'),
    col('证件号码', 'owner resident ID or credit code'),
    col('共有情况', '单独所有 / 共同共有'),
    col('房屋用途', '住宅 / 办公 / 商业 / 村民自建房'),
    col('建筑面积（㎡）', 'floor area, m²'),
    col('权利性质', '商品房 / 房改房 / 自建房'),
    col('登记日期', 'registration date, iso style'),
  ],
  deliveries: [DELIVERY_1],
  async write(ctx) {
    const { world, rng, feed, spec } = ctx;
    const inject = injectorOf(ctx);
    const at = columnAt(spec);
    const injectCell = cellInjector(inject, at);
    let checked = false;
    for (const ownership of world.ownerships) {
      const address = writeAddress(rng, ownership.place, spec.habits, ctx.names);
      const code = rng.chance(0.9) ? placeId(ownership.place) : '';
      for (const owner of ownership.owners) {
        const party = partyOf(world, owner);
        const r = row(
          cells(
            spec,
            {
              不动产权证号: ownership.certificate ?? '',
              房屋编码: code,
              坐落: address,
              权利人: party.name,
              证件种类: owner.kind === 'person' ? '居民身份证' : '统一社会信用代码',
              证件号码: party.id,
              共有情况: ownership.owners.length > 1 ? '共同共有' : '单独所有',
              房屋用途: ownership.use,
              '建筑面积（㎡）': ownership.area,
              权利性质: ownership.nature,
              登记日期: formatDay(ownership.registered, 'iso'),
            },
            !checked,
          ),
          party.id,
          placeId(ownership.place),
        );
        checked = true;
        if (!injectCell(r, 'bad-checksum', '证件号码', `true ${party.id}`, () => corruptId(rng, party.id)))
          injectCell(r, 'missing-id', '证件号码', `true ${party.id}`, () => '');
        injectCell(r, 'impossible-date', '登记日期', `true ${formatDay(ownership.registered, 'iso')}`, () =>
          impossibleDate(rng, 'iso'),
        );
        const number = await feed.write(r);
        if (inject.roll('duplicate-row')) feed.later(duplicateOf(r, number), rng.int(1, 3000));
      }
    }
  },
};
