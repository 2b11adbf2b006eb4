// Licences held by the demo's businesses, as the government-services bureau's electronic licence library
// (电子证照库) collects them from the issuing departments: food business, drugs, tobacco retail, public
// hygiene, medical practice, private schools, human-resource services. Each runs for a fixed term and is
// renewed on expiry, so some expire in the weeks after the delivery.
import { createRng } from '../random.ts';
import { anniversary, DELIVERY_1, yearOf } from './dates.ts';
import type { LegalEntity } from './entities.ts';
import type { Place } from './population.ts';

export interface LicenceType {
  name: string;
  issuer: string;
  years: number;
  /** Industry classes (GB/T 4754) whose businesses hold it, and the share that do. */
  industries: readonly string[];
  share: number;
  scope: string;
  number: (seq: number, year: number) => string;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

export const LICENCE_TYPES: readonly LicenceType[] = [
  {
    name: '食品经营许可证',
    issuer: '深圳市市场监督管理局福田监管局',
    years: 5,
    industries: ['H6210', 'H6220', 'H6232', 'F5212', 'F5221', 'H6110'],
    share: 0.92,
    scope: '预包装食品销售；热食类食品制售',
    // JY + business form (1 = retail/catering) + division + sequence + a check digit.
    number: (seq) => `JY1440304${pad(seq, 6)}${seq % 10}`,
  },
  {
    name: '药品经营许可证',
    issuer: '深圳市市场监督管理局',
    years: 5,
    industries: ['F5251'],
    share: 0.95,
    scope: '中成药、化学药制剂、抗生素制剂、生化药品',
    number: (seq) => `粤CB755${pad(seq, 4)}`,
  },
  {
    name: '烟草专卖零售许可证',
    issuer: '深圳市福田区烟草专卖局',
    years: 5,
    industries: ['F5212', 'F5221'],
    share: 0.6,
    scope: '卷烟、雪茄烟零售',
    number: (seq) => `440304${pad(seq, 6)}`,
  },
  {
    name: '公共场所卫生许可证',
    issuer: '深圳市福田区卫生健康局',
    years: 4,
    industries: ['H6110', 'O8051'],
    share: 0.85,
    scope: '住宿；美容美发',
    number: (seq, year) => `深福卫公证字〔${year}〕第${pad(seq, 4)}号`,
  },
  {
    name: '医疗机构执业许可证',
    issuer: '深圳市福田区卫生健康局',
    years: 5,
    industries: ['Q8421'],
    share: 0.98,
    scope: '内科；外科；全科医疗科',
    number: (seq) => `PDY${pad(seq, 5)}444030417D1112`,
  },
  {
    name: '民办学校办学许可证',
    issuer: '深圳市福田区教育局',
    years: 5,
    industries: ['P8393'],
    share: 0.5,
    scope: '文化艺术培训',
    number: (seq) => `教民14403047${pad(seq, 6)}号`,
  },
  {
    name: '人力资源服务许可证',
    issuer: '深圳市福田区人力资源局',
    years: 5,
    industries: ['L7262'],
    share: 0.9,
    scope: '职业中介；人力资源供求信息收集发布',
    number: (seq) => `4403042${pad(seq, 6)}`,
  },
];

export interface Licence {
  type: LicenceType;
  number: string;
  /** Entity index of the holder. */
  holder: number;
  place: Place;
  issued: number;
  expires: number;
  status: '有效' | '注销';
}

export function buildLicences(seed: number, entities: readonly LegalEntity[]): Licence[] {
  const rng = createRng(seed, 'feeds/licences');
  const seqs = new Map<string, number>();
  const licences: Licence[] = [];
  entities.forEach((entity, holder) => {
    for (const type of LICENCE_TYPES) {
      if (!type.industries.includes(entity.industry.code) || !rng.chance(type.share)) continue;
      // Renewed every term since founding (plus the weeks the application took).
      const first = entity.founded + rng.int(10, 60);
      if (first >= DELIVERY_1) continue;
      let issued = first;
      while (anniversary(issued, type.years) <= DELIVERY_1) issued = anniversary(issued, type.years);
      const seq = (seqs.get(type.name) ?? 0) + 1;
      seqs.set(type.name, seq);
      const year = yearOf(issued);
      licences.push({
        type,
        number: type.number(seq, year),
        holder,
        place: entity.operating,
        issued,
        expires: anniversary(issued, type.years) - 1,
        status: entity.status === '存续' ? '有效' : '注销',
      });
    }
  });
  return licences;
}
