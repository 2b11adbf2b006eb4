// Sources about legal entities: commercial registration, the electronic licence library, tax revenue and
// social insurance's employers.
import type { AddressHabits } from './address-text.ts';
import { writeAddress } from './address-text.ts';
import { anniversary, DELIVERY_1, formatDay, ymdOf } from './dates.ts';
import type { EntityKind, EntityStatus, LegalEntity } from './entities.ts';
import { cellInjector, corruptId, duplicateOf, error, futureDate, impossibleDate } from './inject.ts';
import { placeId } from './population.ts';
import { cells, col, columnAt, injectorOf, row, type SourceSpec } from './source.ts';
import { employerNumber } from './source-people.ts';

const REGISTRY_HABITS: AddressHabits = {
  province: 0,
  city: 1,
  district: 1,
  subdistrict: 0.9,
  community: 0.85,
  doorPlate: 0.95,
  estate: 0.9,
  respell: 0.05,
  roomSuffixes: ['', '', '室', '房'],
  floorForm: 0.01,
  numerals: 0,
  fullwidth: 0.005,
  traditional: 0,
  typo: 0.003,
  spaces: 0,
};

const KIND_LABEL: Record<EntityKind, string> = {
  company: '有限责任公司（自然人投资或控股）',
  'joint-stock': '股份有限公司（非上市）',
  'sole-proprietorship': '个人独资企业',
  partnership: '有限合伙企业',
  branch: '有限责任公司分公司',
  individual: '个体工商户',
  institution: '事业单位',
  'social-org': '民办非企业单位',
};

const STATUS_LABEL: Record<EntityStatus, string> = {
  存续: '存续（在营、开业、在册）',
  吊销: '吊销，未注销',
  注销: '注销',
  迁出: '迁出',
};

const isMarketEntity = (e: LegalEntity) => e.kind !== 'institution' && e.kind !== 'social-org';

export const marketRegistration: SourceSpec = {
  source: 'market_registration',
  department: '深圳市市场监督管理局福田监管局（商事主体登记）',
  encoding: 'utf8-bom',
  dates: 'iso',
  subject: 'the legal entity (credit code)',
  addressNote:
    'Registration style: `深圳市福田区` + subdistrict + community + door plate + estate + building + room (`深圳市福田区福保街道明月社区益田路3013号南方国际广场B座2301`); individual businesses registered at home give the home room.',
  habits: REGISTRY_HABITS,
  errors: {
    'bad-checksum': { rate: 0.002, note: '统一社会信用代码' },
    'impossible-date': { rate: 0.001, note: '成立日期' },
    'future-date': { rate: 0.0005, note: '成立日期 after the delivery' },
    'missing-id': { rate: 0.002, note: '法定代表人证件号码 empty' },
    'duplicate-row': { rate: 0.002, note: 'the whole row' },
    'duplicate-entity': {
      rate: 0.002,
      note: 'the entity again with half-width brackets or spaces in 企业名称 and 住所 written differently',
    },
  },
  columns: [
    col(
      '统一社会信用代码',
      'credit code, 18 characters (`91440300…` companies, `92440300…` individual businesses)',
    ),
    col('企业名称', 'registered name'),
    col('市场主体类型', 'e.g. 有限责任公司（自然人投资或控股）, 个体工商户, 有限责任公司分公司'),
    col('法定代表人', 'legal representative (负责人, 经营者) name'),
    col('法定代表人证件号码', 'their resident ID'),
    col('注册资本（万元）', 'registered capital in 10,000 yuan, up to 4 decimals; empty for branches'),
    col('成立日期', 'founding date, iso style'),
    col('营业期限自', 'start of the business term, iso style'),
    col('营业期限至', 'end of the term, iso style, or 长期'),
    col('登记状态', '存续（在营、开业、在册） / 吊销，未注销 / 注销 / 迁出'),
    col('住所', 'registered address (registration style)'),
    col('经营场所', 'operating address when it differs from 住所, else empty'),
    col('行业代码', 'GB/T 4754-2017 section letter + class, e.g. I6513'),
    col('行业名称', 'class name, e.g. 应用软件开发'),
    col('经营范围', 'business scope'),
    col('登记机关', 'registration office'),
    col('核准日期', 'date of the latest approval (founding or status change), iso style'),
  ],
  deliveries: [DELIVERY_1],
  async write(ctx) {
    const { world, rng, feed, spec } = ctx;
    const inject = injectorOf(ctx);
    const at = columnAt(spec);
    const injectCell = cellInjector(inject, at);
    let checked = false;
    for (const e of world.entities) {
      if (!isMarketEntity(e)) continue;
      const rep = world.people[e.rep]!;
      const end = e.term === null ? '长期' : formatDay(anniversary(e.founded, e.term) - 1, 'iso');
      const r = row(
        cells(
          spec,
          {
            统一社会信用代码: e.code,
            企业名称: e.name,
            市场主体类型: KIND_LABEL[e.kind],
            法定代表人: rep.name,
            法定代表人证件号码: rep.id,
            '注册资本（万元）': e.kind === 'branch' ? '' : String(e.capital / 10_000),
            成立日期: formatDay(e.founded, 'iso'),
            营业期限自: formatDay(e.founded, 'iso'),
            营业期限至: end,
            登记状态: STATUS_LABEL[e.status],
            住所: writeAddress(rng, e.registered, spec.habits, ctx.names),
            经营场所:
              e.operating === e.registered ? '' : writeAddress(rng, e.operating, spec.habits, ctx.names),
            行业代码: e.industry.code,
            行业名称: e.industry.name,
            经营范围: e.industry.scope,
            登记机关: '深圳市市场监督管理局福田监管局',
            核准日期: formatDay(e.statusDay, 'iso'),
          },
          !checked,
        ),
        e.code,
        placeId(e.registered),
        `rep=${rep.id}`,
      );
      checked = true;
      injectCell(r, 'bad-checksum', '统一社会信用代码', `true ${e.code}`, () => corruptId(rng, e.code));
      const founded = `true ${formatDay(e.founded, 'iso')}`;
      if (!injectCell(r, 'impossible-date', '成立日期', founded, () => impossibleDate(rng, 'iso')))
        injectCell(r, 'future-date', '成立日期', founded, () => futureDate(rng, 'iso'));
      injectCell(r, 'missing-id', '法定代表人证件号码', `true ${rep.id}`, () => '');
      const number = await feed.write(r);
      if (inject.roll('duplicate-row')) feed.later(duplicateOf(r, number), rng.int(1, 3000));
      else if (inject.roll('duplicate-entity')) {
        const copy = duplicateOf(r, number);
        copy.values[at('企业名称')] = e.name
          .replaceAll('（', '(')
          .replaceAll('）', ')')
          .replace('深圳市', '深圳市 ');
        copy.values[at('住所')] = writeAddress(
          rng,
          e.registered,
          { ...spec.habits, subdistrict: 0, community: 0 },
          ctx.names,
        );
        copy.errors = [...r.errors, error('duplicate-entity', '企业名称', `row ${number}`)];
        feed.later(copy, rng.int(50, 5000));
      }
    }
  },
};

export const egovLicence: SourceSpec = {
  source: 'egov_licence',
  department: '福田区政务服务数据管理局（电子证照库，汇集各发证部门）',
  encoding: 'utf8-bom',
  dates: 'iso',
  subject: 'the licence holder (credit code)',
  addressNote:
    'As on the licence: registration style without subdistrict and community (`深圳市福田区华强北路1019号华强广场A座1203`).',
  habits: { ...REGISTRY_HABITS, subdistrict: 0.1, community: 0.05, city: 0.9 },
  errors: {
    'bad-checksum': { rate: 0.003, note: '持证主体代码' },
    'impossible-date': { rate: 0.001, note: '有效期至' },
    stale: {
      rate: 0.01,
      note: 'the previous term of a renewed licence still listed as 有效 (its 有效期至 has passed)',
    },
    'duplicate-row': { rate: 0.002, note: 'the whole row' },
  },
  columns: [
    col(
      '证照名称',
      '食品经营许可证, 药品经营许可证, 烟草专卖零售许可证, 公共场所卫生许可证, 医疗机构执业许可证, 民办学校办学许可证, 人力资源服务许可证',
    ),
    col('证照编号', 'licence number in the issuer’s own format'),
    col('持证主体', 'holder name'),
    col('持证主体代码', 'holder credit code'),
    col('法定代表人（负责人）', 'representative name'),
    col('经营场所', 'premises (licence style)'),
    col('许可范围', 'what is licensed'),
    col('发证机关', 'issuing office'),
    col('发证日期', 'issue date of the current term, iso style'),
    col('有效期至', 'expiry date, iso style'),
    col('证照状态', '有效 / 注销'),
  ],
  deliveries: [DELIVERY_1],
  async write(ctx) {
    const { world, rng, feed, spec } = ctx;
    const inject = injectorOf(ctx);
    const at = columnAt(spec);
    const injectCell = cellInjector(inject, at);
    let checked = false;
    for (const licence of world.licences) {
      const holder = world.entities[licence.holder]!;
      const values = (issued: number, expires: number) =>
        cells(
          spec,
          {
            证照名称: licence.type.name,
            证照编号: licence.number,
            持证主体: holder.name,
            持证主体代码: holder.code,
            '法定代表人（负责人）': world.people[holder.rep]!.name,
            经营场所: writeAddress(rng, licence.place, spec.habits, ctx.names),
            许可范围: licence.type.scope,
            发证机关: licence.type.issuer,
            发证日期: formatDay(issued, 'iso'),
            有效期至: formatDay(expires, 'iso'),
            证照状态: licence.status,
          },
          !checked,
        );
      checked = true;
      const previous = anniversary(licence.issued, -licence.type.years);
      if (licence.status === '有效' && previous > holder.founded && inject.roll('stale')) {
        const stale = row(values(previous, licence.issued - 1), holder.code, placeId(licence.place));
        stale.errors.push(error('stale', '有效期至', `renewed until ${formatDay(licence.expires, 'iso')}`));
        await feed.write(stale);
      }
      const r = row(values(licence.issued, licence.expires), holder.code, placeId(licence.place));
      injectCell(r, 'bad-checksum', '持证主体代码', `true ${holder.code}`, () => corruptId(rng, holder.code));
      injectCell(r, 'impossible-date', '有效期至', `true ${formatDay(licence.expires, 'iso')}`, () =>
        impossibleDate(rng, 'iso'),
      );
      const number = await feed.write(r);
      if (inject.roll('duplicate-row')) feed.later(duplicateOf(r, number), rng.int(1, 2000));
    }
  },
};

const TAX_TYPES: Record<EntityKind, string> = {
  company: '私营有限责任公司',
  'joint-stock': '股份有限公司',
  'sole-proprietorship': '个人独资企业',
  partnership: '合伙企业',
  branch: '分公司',
  individual: '个体工商户',
  institution: '事业单位',
  'social-org': '民办非企业单位',
};

const TAX_OFFICES: Readonly<Record<string, string>> = {
  '440304001': '第一税务所',
  '440304002': '第二税务所',
  '440304004': '第三税务所',
  '440304005': '第四税务所',
  '440304006': '第五税务所',
  '440304007': '第六税务所',
  '440304008': '第七税务所',
  '440304009': '第八税务所',
  '440304010': '第九税务所',
  '440304011': '第十税务所',
};

/** The 15-character tax registration number of the years before credit codes: division + organisation code. */
export const legacyTaxId = (code: string): string => `${code.slice(2, 8)}${code.slice(8, 17)}`;

export const taxRevenue: SourceSpec = {
  source: 'tax_revenue',
  department: '国家税务总局深圳市福田区税务局',
  encoding: 'gbk',
  dates: 'compact',
  subject: 'the taxpayer (credit code)',
  addressNote:
    '`福田区` or `深圳市福田区` + door plate + estate + building + room; no subdistrict (`深圳市福田区福华三路88号财富大厦2706`).',
  habits: {
    ...REGISTRY_HABITS,
    subdistrict: 0,
    community: 0,
    city: 0.6,
    estate: 0.8,
    roomSuffixes: ['', '室'],
  },
  errors: {
    'bad-checksum': { rate: 0.002, note: '纳税人识别号 (18-character ones)' },
    'impossible-date': { rate: 0.001, note: '税务登记日期' },
    'duplicate-row': { rate: 0.001, note: 'the whole row' },
    'duplicate-entity': {
      rate: 0.002,
      note: 'the taxpayer again under its other identifier (old 15-character number ↔ credit code)',
    },
  },
  columns: [
    col(
      '纳税人识别号',
      'the credit code; for about a third of the entities founded before the 2015 reform the old 15-character tax number = characters 3–17 of the credit code (division + organisation code)',
    ),
    col('纳税人名称', 'taxpayer name'),
    col(
      '登记注册类型',
      '私营有限责任公司, 股份有限公司, 个人独资企业, 合伙企业, 分公司, 个体工商户, 民办非企业单位',
    ),
    col('行业', 'industry class name (GB/T 4754)'),
    col('主管税务所', 'tax office, by subdistrict'),
    col('生产经营地址', 'operating address (tax style)'),
    col('所属年度', 'tax year: 2025'),
    col('营业收入（元）', 'revenue of the year, yuan, two decimals'),
    col('应纳税额（元）', 'tax due, yuan, two decimals'),
    col('纳税信用等级', 'A / B / M / C / D'),
    col('税务登记日期', 'compact style'),
  ],
  deliveries: [DELIVERY_1],
  async write(ctx) {
    const { world, rng, feed, spec } = ctx;
    const inject = injectorOf(ctx);
    const at = columnAt(spec);
    const injectCell = cellInjector(inject, at);
    const reform = ymdOf(DELIVERY_1).year - 11;
    let checked = false;
    for (const e of world.entities) {
      if (e.status !== '存续' || e.revenue <= 0) continue;
      const old = ymdOf(e.founded).year < reform && /^\d{8}/.test(e.code.slice(8));
      const legacy = old && rng.chance(0.35);
      const id = legacy ? legacyTaxId(e.code) : e.code;
      const rate = e.kind === 'individual' ? 0.01 : rng.float(0.01, 0.06);
      const r = row(
        cells(
          spec,
          {
            纳税人识别号: id,
            纳税人名称: e.name,
            登记注册类型: TAX_TYPES[e.kind],
            行业: e.industry.name,
            主管税务所: `国家税务总局深圳市福田区税务局${TAX_OFFICES[e.operating.building.subdistrictId]}`,
            生产经营地址: writeAddress(rng, e.operating, spec.habits, ctx.names),
            所属年度: ymdOf(DELIVERY_1).year - 1,
            '营业收入（元）': e.revenue.toFixed(2),
            '应纳税额（元）': (e.revenue * rate).toFixed(2),
            纳税信用等级: rng.pick(['A', 'B', 'B', 'B', 'M', 'M', 'C', 'D']),
            税务登记日期: formatDay(e.founded + rng.int(5, 40), 'compact'),
          },
          !checked,
        ),
        e.code,
        placeId(e.operating),
      );
      checked = true;
      if (!legacy)
        injectCell(r, 'bad-checksum', '纳税人识别号', `true ${e.code}`, () => corruptId(rng, e.code));
      injectCell(r, 'impossible-date', '税务登记日期', `true ${formatDay(e.founded, 'iso')}`, () =>
        impossibleDate(rng, 'compact'),
      );
      const number = await feed.write(r);
      if (inject.roll('duplicate-row')) feed.later(duplicateOf(r, number), rng.int(1, 3000));
      else if (old && inject.roll('duplicate-entity')) {
        const copy = duplicateOf(r, number);
        copy.values[at('纳税人识别号')] = legacy ? e.code : legacyTaxId(e.code);
        copy.errors = [
          ...r.errors.filter((x) => x.field !== '纳税人识别号'),
          error('duplicate-entity', '纳税人识别号', `row ${number}`),
        ];
        feed.later(copy, rng.int(50, 5000));
      }
    }
  },
};

const EMPLOYER_TYPES: Record<EntityKind, string> = {
  company: '企业',
  'joint-stock': '企业',
  'sole-proprietorship': '企业',
  partnership: '企业',
  branch: '企业',
  individual: '个体工商户',
  institution: '事业单位',
  'social-org': '民办非企业单位',
};

export const socialInsuranceEmployer: SourceSpec = {
  source: 'social_insurance_employer',
  department: '深圳市社会保险基金管理局福田分局（参保单位）',
  encoding: 'utf8',
  dates: 'compact',
  subject: 'the employer (credit code)',
  addressNote:
    'Short: estate, building and room, the door plate half the time (`华强广场A座1203`, `福田区益田路3013号南方国际广场B座2301`).',
  habits: {
    ...REGISTRY_HABITS,
    city: 0.2,
    district: 0.5,
    subdistrict: 0,
    community: 0,
    doorPlate: 0.5,
    respell: 0.15,
  },
  errors: {
    'bad-checksum': { rate: 0.002, note: '统一社会信用代码' },
    'missing-id': { rate: 0.003, note: '统一社会信用代码 empty (employers registered before credit codes)' },
    'impossible-date': { rate: 0.001, note: '参保登记日期' },
    'duplicate-row': { rate: 0.001, note: 'the whole row' },
  },
  columns: [
    col('单位编号', 'employer number, 8 digits (as in social_insurance_person)'),
    col('单位名称', 'employer name'),
    col('统一社会信用代码', 'credit code; empty on some rows'),
    col('单位类型', '企业 / 个体工商户 / 事业单位 / 民办非企业单位'),
    col('参保人数', 'insured employees this month'),
    col('养老保险人数', 'of whom pension-insured'),
    col('医疗保险人数', 'medical'),
    col('失业保险人数', 'unemployment'),
    col('工伤保险人数', 'work injury'),
    col('所属期', 'month, `202609`'),
    col('单位地址', 'address (social-insurance style)'),
    col('参保登记日期', 'date the employer registered, compact style'),
  ],
  deliveries: [DELIVERY_1],
  async write(ctx) {
    const { world, rng, feed, spec } = ctx;
    const inject = injectorOf(ctx);
    const at = columnAt(spec);
    const injectCell = cellInjector(inject, at);
    const { year, month } = ymdOf(DELIVERY_1);
    let checked = false;
    for (const [index, e] of world.entities.entries()) {
      if (e.employees <= 0 || e.status !== '存续') continue;
      const some = (share: number) => Math.max(0, Math.min(e.employees, Math.round(e.employees * share)));
      const r = row(
        cells(
          spec,
          {
            单位编号: employerNumber(index),
            单位名称: e.name,
            统一社会信用代码: e.code,
            单位类型: EMPLOYER_TYPES[e.kind],
            参保人数: e.employees,
            养老保险人数: some(rng.float(0.9, 1)),
            医疗保险人数: e.employees,
            失业保险人数: some(rng.float(0.85, 1)),
            工伤保险人数: e.employees,
            所属期: `${year}${String(month).padStart(2, '0')}`,
            单位地址: writeAddress(rng, e.operating, spec.habits, ctx.names),
            参保登记日期: formatDay(Math.min(DELIVERY_1 - 1, e.founded + rng.int(10, 200)), 'compact'),
          },
          !checked,
        ),
        e.code,
        placeId(e.operating),
      );
      checked = true;
      if (!injectCell(r, 'bad-checksum', '统一社会信用代码', `true ${e.code}`, () => corruptId(rng, e.code)))
        injectCell(r, 'missing-id', '统一社会信用代码', `true ${e.code}`, () => '');
      injectCell(r, 'impossible-date', '参保登记日期', 'a date that does not exist', () =>
        impossibleDate(rng, 'compact'),
      );
      const number = await feed.write(r);
      if (inject.roll('duplicate-row')) feed.later(duplicateOf(r, number), rng.int(1, 3000));
    }
  },
};
