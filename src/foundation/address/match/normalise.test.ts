import { describe, expect, it } from 'vitest';
import {
  buildingKey,
  chineseNumber,
  convertChineseNumerals,
  entranceKey,
  nameKey,
  normaliseAddress,
  normaliseChars,
  roadNoKey,
  roomKey,
  stripNoise,
  toSimplified,
} from './normalise.ts';

const clean = (text: string) => normaliseAddress(text).text;

describe('character normalisation', () => {
  it('turns traditional characters into simplified ones', () => {
    expect(toSimplified('廣東省深圳市福田區益田路3013號南方國際廣場B座')).toBe(
      '广东省深圳市福田区益田路3013号南方国际广场B座',
    );
    expect(toSimplified('石厦邨')).toBe('石厦村');
    expect(toSimplified('plain ascii')).toBe('plain ascii');
  });

  it('turns full-width letters, digits and punctuation into half-width, and letters into capitals', () => {
    expect(normaliseChars('益田路３０１３号Ｂ座２３０１')).toBe('益田路3013号B栋2301');
    expect(normaliseChars('b座')).toBe('B栋');
    expect(normaliseChars('３－２３０１')).toBe('3-2301');
  });

  it('reads Chinese numerals before units', () => {
    expect(chineseNumber('二十三')).toBe('23');
    expect(chineseNumber('十二')).toBe('12');
    expect(chineseNumber('十')).toBe('10');
    expect(chineseNumber('两百')).toBe('200');
    expect(chineseNumber('一百二')).toBe('120');
    expect(chineseNumber('一千零五')).toBe('1005');
    expect(chineseNumber('三百零一')).toBe('301');
    expect(chineseNumber('二三零一')).toBe('2301');
    expect(convertChineseNumerals('二十三栋')).toBe('23栋');
    expect(convertChineseNumerals('十二楼')).toBe('12楼');
    expect(convertChineseNumerals('六号')).toBe('6号');
    expect(convertChineseNumerals('两百米')).toBe('200米');
    expect(convertChineseNumerals('二单元')).toBe('2单元');
    expect(convertChineseNumerals('第三栋')).toBe('第3栋');
    expect(convertChineseNumerals('石厦北二街')).toBe('石厦北2街');
  });

  it('reads a lane numeral apart from the door number after it', () => {
    // A door number is said as a number; two numerals digit by digit after a name are lane + door.
    expect(convertChineseNumerals('新洲七六号')).toBe('新洲七6号');
    expect(convertChineseNumerals('新洲八五十九号')).toBe('新洲八59号');
    expect(convertChineseNumerals('下梅林一三十四号')).toBe('下梅林一34号');
    expect(convertChineseNumerals('三四号')).toBe('34号');
    expect(chineseNumber('八五十')).toBeUndefined();
    // Two numerals digit by digit count rooms and doors, not roads.
    expect(convertChineseNumerals('八一路')).toBe('八一路');
    expect(convertChineseNumerals('二三零一室')).toBe('2301室');
  });

  it('converts script character by character, also in long texts', () => {
    expect(toSimplified('華強北路華強廣場')).toBe('华强北路华强广场');
    expect(toSimplified('🏠華強')).toBe('🏠华强');
  });

  it('leaves numerals that are words alone', () => {
    expect(convertChineseNumerals('百花园')).toBe('百花园');
    expect(convertChineseNumerals('五洲宾馆')).toBe('五洲宾馆');
    expect(convertChineseNumerals('十字路口')).toBe('十字路口');
    expect(convertChineseNumerals('两栋')).toBe('两栋');
    expect(convertChineseNumerals('张三')).toBe('张三');
  });
});

describe('unit spellings', () => {
  it.each([
    ['3栋', '3栋'],
    ['3号楼', '3栋'],
    ['第3栋', '3栋'],
    ['3幢', '3栋'],
    ['3座', '3栋'],
    ['三栋', '3栋'],
    ['3#楼', '3栋'],
    ['3#', '3栋'],
    ['B座', 'B栋'],
    ['B栋', 'B栋'],
    ['b座', 'B栋'],
    ['B塔', 'B栋'],
    ['c塔楼', 'C栋'],
    ['16F栋', '16F栋'],
  ])('building %s → %s', (input, expected) => {
    expect(normaliseChars(input)).toBe(expected);
  });

  it('keeps 号楼下 (downstairs of a number) apart from a building', () => {
    expect(clean('南方国际广场B座2301号楼下')).toBe('南方国际广场B栋2301号');
  });

  it.each([
    ['2单元', '2单元'],
    ['二单元', '2单元'],
    ['2梯', '2单元'],
    ['3栋2门', '3栋2单元'],
  ])('entrance %s → %s', (input, expected) => {
    expect(normaliseChars(input)).toBe(expected);
  });

  it.each([
    ['2301室', '2301室'],
    ['2301房', '2301室'],
    ['2301号房', '2301室'],
    ['23层', '23楼'],
    ['23F', '23楼'],
    ['23F01', '23楼01'],
    ['23层01号', '23楼01号'],
    ['十二楼', '12楼'],
    ['12A室', '12A室'],
  ])('floor and room %s → %s', (input, expected) => {
    expect(normaliseChars(input)).toBe(expected);
  });
});

describe('noise', () => {
  it('drops a phone number and the name written beside it', () => {
    const { text, noise } = normaliseAddress('张三 13800138000 益田路3013号');
    expect(text).toBe('益田路3013号');
    expect(noise).toEqual([
      { label: 'redundant', text: '13800138000' },
      { label: 'person', text: '张三' },
    ]);
    expect(clean('益田路3013号 王小明 138-0013-8000')).toBe('益田路3013号');
    expect(clean('益田路3013号，联系人：李四，电话：0755-83456789')).toBe('益田路3013号');
    expect(clean('收件人王五 益田路3013号')).toBe('益田路3013号');
    expect(clean('益田路3013号 陈先生')).toBe('益田路3013号');
  });

  it('keeps a place that only looks like a name beside a phone', () => {
    expect(clean('华强广场 13800138000')).toBe('华强广场');
    // 金 is a surname, but 金地 runs on into 金地一路: no name stands alone there.
    expect(clean('王小明 13812345678 金地一路64号')).toBe('金地1路64号');
    expect(clean('13800138000，张三')).toBe('');
  });

  it('removes brackets but keeps their content, unless it only says "near …"', () => {
    expect(clean('益田路3013号(南方国际广场)B座')).toBe('益田路3013号南方国际广场B栋');
    expect(clean('益田路3013号【南方国际广场】')).toBe('益田路3013号南方国际广场');
    const near = normaliseAddress('南方国际广场B座（近地铁站）');
    expect(near.text).toBe('南方国际广场B栋');
    expect(near.noise).toContainEqual({ label: 'assist', text: '(近地铁站)' });
  });

  it.each(['附近', '对面', '旁', '旁边', '东侧', '西边', '门口', '隔壁'])(
    'drops the direction word %s',
    (word) => {
      const { text, noise } = stripNoise(`南方国际广场${word}`);
      expect(text).toBe('南方国际广场');
      expect(noise[0]?.label).toBe('assist');
    },
  );

  it('drops distances', () => {
    const { text, noise } = normaliseAddress('南方国际广场往东200米');
    expect(text).toBe('南方国际广场');
    expect(noise).toEqual([{ label: 'distance', text: '往东200米' }]);
  });

  it('drops control characters and emoji, and joins the rest', () => {
    expect(clean('益田路\u0007 3013号 🏠南方国际')).toBe('益田路3013号南方国际');
  });

  it('keeps one space between two numbers or letters written apart', () => {
    expect(clean('南方国际广场B座 2301')).toBe('南方国际广场B栋2301');
    expect(clean('南方国际广场 3 2301')).toBe('南方国际广场3 2301');
    expect(clean('华强南路34号b　1单元　101')).toBe('华强南路34号B 1单元101');
  });
});

describe('keys the library and the input share', () => {
  it('spells buildings one way', () => {
    for (const spelling of ['3栋', '3号楼', '第3栋', '3幢', '3座', '三栋'])
      expect(buildingKey(spelling)).toBe('3');
    for (const spelling of ['B座', 'B栋', 'b座', 'Ｂ座']) expect(buildingKey(spelling)).toBe('B');
    expect(buildingKey('')).toBeNull();
    expect(buildingKey('裙楼')).toBe('裙楼');
  });

  it('spells entrances, rooms and door numbers one way', () => {
    expect(entranceKey('二单元')).toBe('2');
    expect(roomKey('2301室')).toBe('2301');
    expect(roomKey('2301房')).toBe('2301');
    expect(roomKey('12a')).toBe('12A');
    expect(roadNoKey('3013号')).toBe('3013');
    expect(roadNoKey('3013之1')).toBe('3013-1');
    expect(nameKey('石厦北二街')).toBe('石厦北2街');
  });
});
