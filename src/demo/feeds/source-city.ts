// Sources about the city itself: schools and enrolment from education, components and illegal
// construction from urban management.

import { wgs84ToGcj02 } from '../../foundation/fusion/datum.ts';
import type { AddressHabits } from './address-text.ts';
import { writeAddress } from './address-text.ts';
import { DELIVERY_1, dayOf, formatDay } from './dates.ts';
import { cellInjector, corruptId, duplicateOf, error, impossibleDate } from './inject.ts';
import { placeId } from './population.ts';
import type { Party } from './property.ts';
import { cells, col, columnAt, injectorOf, row, type SourceSpec } from './source.ts';

const CITY_HABITS: AddressHabits = {
  province: 0,
  city: 0.1,
  district: 0.6,
  subdistrict: 0.2,
  community: 0.3,
  doorPlate: 0.8,
  estate: 0.8,
  respell: 0.15,
  roomSuffixes: ['', '室', '房'],
  floorForm: 0.05,
  numerals: 0.03,
  fullwidth: 0.02,
  traditional: 0,
  typo: 0.02,
  spaces: 0.03,
};

export const educationSchool: SourceSpec = {
  source: 'education_school',
  department: '福田区教育局（学校基本信息与学位）',
  encoding: 'utf8',
  dates: 'chinese',
  subject: 'the school (credit code)',
  addressNote: '`福田区` + door plate + estate (the school building, no room).',
  habits: { ...CITY_HABITS, district: 0.9, subdistrict: 0, community: 0, typo: 0 },
  errors: {
    'bad-checksum': { rate: 0.01, note: '统一社会信用代码' },
    'duplicate-row': { rate: 0.01, note: 'the whole row' },
  },
  columns: [
    col('学校标识码', 'Ministry of Education school code, 10 digits'),
    col('学校名称', 'school name'),
    col('统一社会信用代码', 'credit code (`12440304…` public, `52440304…` private)'),
    col('办学类型', '幼儿园 / 小学 / 初中 / 九年一贯制学校'),
    col('办学性质', '公办 / 民办'),
    col('学校地址', 'address (building level)'),
    col('所属街道', 'subdistrict name'),
    col('学区范围', 'catchment: community names joined by `、`; empty for kindergartens and private schools'),
    col('班级数', 'classes'),
    col('核定学位数', 'approved places (all grades)'),
    col('在校生数', 'pupils enrolled'),
    col('更新日期', 'chinese style'),
  ],
  deliveries: [DELIVERY_1],
  async write(ctx) {
    const { world, rng, feed, spec } = ctx;
    const inject = injectorOf(ctx);
    const at = columnAt(spec);
    const injectCell = cellInjector(inject, at);
    let checked = false;
    for (const school of world.schools) {
      const entity = world.entities[school.entity]!;
      const place = { building: school.building, room: null };
      const r = row(
        cells(
          spec,
          {
            学校标识码: school.code,
            学校名称: entity.name,
            统一社会信用代码: entity.code,
            办学类型: school.type,
            办学性质: school.public ? '公办' : '民办',
            学校地址: writeAddress(rng, place, spec.habits, ctx.names),
            所属街道: ctx.names.subdistrict.get(school.building.subdistrictId)!,
            学区范围: school.catchment.map((c) => ctx.names.community.get(c)!).join('、'),
            班级数: school.classes,
            核定学位数: school.places,
            在校生数: school.students,
            更新日期: formatDay(dayOf(2026, 9, 1), 'chinese'),
          },
          !checked,
        ),
        entity.code,
        school.building.id,
      );
      checked = true;
      injectCell(r, 'bad-checksum', '统一社会信用代码', `true ${entity.code}`, () =>
        corruptId(rng, entity.code),
      );
      const number = await feed.write(r);
      if (inject.roll('duplicate-row')) feed.later(duplicateOf(r, number), rng.int(1, 20));
    }
  },
};

export const educationEnrolment: SourceSpec = {
  source: 'education_enrolment',
  department: '福田区教育局（学位申请与招生）',
  encoding: 'utf8',
  dates: 'chinese',
  subject: 'the school (credit code)',
  addressNote: 'No address.',
  habits: CITY_HABITS,
  errors: {
    'impossible-date': { rate: 0.005, note: '统计日期' },
    'duplicate-row': { rate: 0.005, note: 'the whole row' },
  },
  columns: [
    col('学年', 'school year, `2026-2027`'),
    col('学校标识码', 'as in education_school'),
    col('学校名称', 'school name'),
    col('招生年级', '小班 (kindergarten), 一年级, 七年级'),
    col('计划学位数', 'places offered'),
    col('报名人数', 'applicants living in the catchment'),
    col('录取人数', 'admitted'),
    col('其中户籍生', 'admitted with Shenzhen registration'),
    col('其中非户籍生', 'admitted without'),
    col('统计日期', 'chinese style (15 September of the year)'),
  ],
  deliveries: [DELIVERY_1],
  async write(ctx) {
    const { world, rng, feed, spec } = ctx;
    const inject = injectorOf(ctx);
    const at = columnAt(spec);
    const injectCell = cellInjector(inject, at);
    let checked = false;
    for (const e of world.enrolment) {
      const school = world.schools[e.school]!;
      const entity = world.entities[school.entity]!;
      const r = row(
        cells(
          spec,
          {
            学年: `${e.year}-${e.year + 1}`,
            学校标识码: school.code,
            学校名称: entity.name,
            招生年级: e.grade,
            计划学位数: e.planned,
            报名人数: e.applicants,
            录取人数: e.admitted,
            其中户籍生: e.admittedRegistered,
            其中非户籍生: e.admitted - e.admittedRegistered,
            统计日期: formatDay(dayOf(e.year, 9, 15), 'chinese'),
          },
          !checked,
        ),
        entity.code,
        null,
      );
      checked = true;
      injectCell(r, 'impossible-date', '统计日期', `true ${e.year}-09-15`, () =>
        impossibleDate(rng, 'chinese'),
      );
      const number = await feed.write(r);
      if (inject.roll('duplicate-row')) feed.later(duplicateOf(r, number), rng.int(1, 50));
    }
  },
};

export const urbanComponent: SourceSpec = {
  source: 'urban_component',
  department: '福田区城市管理和综合执法局（城市部件普查）',
  encoding: 'gbk',
  dates: 'iso',
  subject: 'the component (its code)',
  addressNote:
    '`位置描述` names the nearest door plate or estate and a direction (`益田路3013号南方国际广场东侧`); the point is in `经度`/`纬度`, **GCJ-02**, 6 decimals.',
  habits: { ...CITY_HABITS, district: 0, city: 0, subdistrict: 0, community: 0, doorPlate: 0.9, estate: 0.7 },
  errors: {
    'duplicate-entity': {
      rate: 0.003,
      note: 'the component surveyed again under a new 部件编码, its point a few metres off',
    },
    'duplicate-row': { rate: 0.001, note: 'the whole row' },
    'impossible-date': { rate: 0.001, note: '更新日期' },
  },
  columns: [
    col('部件编码', '16 digits: 440304 + major class (2) + minor class (2) + sequence (6)'),
    col('大类', '公用设施, 道路交通, 市容环境, 园林绿化'),
    col('小类', 'e.g. 污水井盖, 路灯, 消防栓, 行道树'),
    col('所属社区', 'community name'),
    col('所属网格', 'grid name, e.g. 明月社区第01网格'),
    col('位置描述', 'where it is, relative to a door plate or estate'),
    col('经度', 'longitude, GCJ-02'),
    col('纬度', 'latitude, GCJ-02'),
    col('部件状态', '完好 / 破损 / 丢失 / 被占用 / 废弃'),
    col('主管部门', 'responsible agency'),
    col('养护单位', 'maintenance contractor'),
    col('普查日期', 'survey date, iso style'),
    col('更新日期', 'last update, iso style'),
  ],
  deliveries: [DELIVERY_1],
  async write(ctx) {
    const { world, rng, feed, spec } = ctx;
    const inject = injectorOf(ctx);
    const at = columnAt(spec);
    const injectCell = cellInjector(inject, at);
    const grids = new Map(world.district.grids.map((g) => [g.id, g.name]));
    let seq = 900_000;
    let checked = false;
    for (const c of world.components) {
      const [lng, lat] = wgs84ToGcj02(c.lng, c.lat);
      const r = row(
        cells(
          spec,
          {
            部件编码: c.code,
            大类: c.type.majorName,
            小类: c.type.name,
            所属社区: ctx.names.community.get(c.near.communityId)!,
            所属网格: grids.get(c.gridId)!,
            位置描述: `${writeAddress(rng, { building: c.near, room: null }, spec.habits, ctx.names)}${c.direction}`,
            经度: lng.toFixed(6),
            纬度: lat.toFixed(6),
            部件状态: c.state,
            主管部门: c.type.agency,
            养护单位: c.type.maintainer,
            普查日期: formatDay(c.surveyed, 'iso'),
            更新日期: formatDay(c.updated, 'iso'),
          },
          !checked,
        ),
        c.code,
        c.near.id,
      );
      checked = true;
      injectCell(r, 'impossible-date', '更新日期', `true ${formatDay(c.updated, 'iso')}`, () =>
        impossibleDate(rng, 'iso'),
      );
      const number = await feed.write(r);
      if (inject.roll('duplicate-row')) feed.later(duplicateOf(r, number), rng.int(1, 3000));
      else if (inject.roll('duplicate-entity')) {
        const copy = duplicateOf(r, number);
        // A later survey team numbered it again, from the top of the sequence.
        copy.values[at('部件编码')] = `${c.code.slice(0, 10)}${String(++seq).padStart(6, '0')}`;
        copy.values[at('经度')] = (lng + rng.float(-3e-5, 3e-5)).toFixed(6);
        copy.values[at('纬度')] = (lat + rng.float(-3e-5, 3e-5)).toFixed(6);
        copy.errors = [...r.errors, error('duplicate-entity', '部件编码', `row ${number}`)];
        feed.later(copy, rng.int(50, 5000));
      }
    }
  },
};

export const urbanIllegalConstruction: SourceSpec = {
  source: 'urban_illegal_construction',
  department: '福田区城市管理和综合执法局（违法建设查处）',
  encoding: 'utf8',
  dates: 'chinese',
  subject: 'the party (resident ID or credit code)',
  addressNote:
    'Enforcement style: `福田区` + subdistrict now and then + door plate + estate + building + room, or the village house.',
  habits: CITY_HABITS,
  errors: {
    'bad-checksum': { rate: 0.01, note: '当事人证件号码' },
    'missing-id': { rate: 0.02, note: '当事人证件号码 empty' },
    'impossible-date': { rate: 0.005, note: '发现日期' },
    'duplicate-row': { rate: 0.005, note: 'the whole row' },
  },
  columns: [
    col('案件编号', 'case number `福城违建〔2025〕00012号`'),
    col('发现日期', 'chinese style'),
    col('违建地址', 'address (enforcement style)'),
    col('当事人', 'party name'),
    col('当事人类型', '个人 / 单位'),
    col('当事人证件号码', 'resident ID or credit code'),
    col('违建类型', '楼顶加建, 天台搭建, 阳台外扩, 占用公共空间搭建, 违规加层, 搭建铁皮房, 封闭架空层'),
    col('违建面积（㎡）', 'm², one decimal'),
    col('处理状态', '立案调查 / 责令整改 / 限期拆除 / 已拆除 / 已结案'),
    col('处理措施', '调查取证 / 责令限期整改 / 依法拆除'),
    col('结案日期', 'chinese style; empty while open'),
    col('执法队', 'subdistrict enforcement team'),
  ],
  deliveries: [DELIVERY_1],
  async write(ctx) {
    const { world, rng, feed, spec } = ctx;
    const inject = injectorOf(ctx);
    const at = columnAt(spec);
    const injectCell = cellInjector(inject, at);
    const party = (p: Party) => {
      if (p.kind === 'person') {
        const person = world.people[p.index]!;
        return { name: person.name, id: person.id };
      }
      const entity = world.entities[p.index]!;
      return { name: entity.name, id: entity.code };
    };
    let checked = false;
    for (const c of world.cases) {
      const who = party(c.party);
      const r = row(
        cells(
          spec,
          {
            案件编号: c.id,
            发现日期: formatDay(c.found, 'chinese'),
            违建地址: writeAddress(rng, c.place, spec.habits, ctx.names),
            当事人: who.name,
            当事人类型: c.party.kind === 'person' ? '个人' : '单位',
            当事人证件号码: who.id,
            违建类型: c.type,
            '违建面积（㎡）': c.area.toFixed(1),
            处理状态: c.state,
            处理措施: c.measure,
            结案日期: c.closed === null ? '' : formatDay(c.closed, 'chinese'),
            执法队: c.team,
          },
          !checked,
        ),
        who.id,
        placeId(c.place),
      );
      checked = true;
      if (!injectCell(r, 'bad-checksum', '当事人证件号码', `true ${who.id}`, () => corruptId(rng, who.id)))
        injectCell(r, 'missing-id', '当事人证件号码', `true ${who.id}`, () => '');
      injectCell(r, 'impossible-date', '发现日期', `true ${formatDay(c.found, 'iso')}`, () =>
        impossibleDate(rng, 'chinese'),
      );
      const number = await feed.write(r);
      if (inject.roll('duplicate-row')) feed.later(duplicateOf(r, number), rng.int(1, 200));
    }
  },
};
