// Turns a category's phrases and a place into the text each channel produces: a citizen typing in an
// app, a hotline operator's transcript, a grid worker's patrol note, a sensor alarm, a formal letter.
import type { DemoBuilding } from '../addresses.ts';
import type { Rng } from '../random.ts';
import type { CategoryPhrases } from './phrases.ts';

/** The channel codes of the governance core (`gov_requests.channel`). */
export type Channel = 'hotline_12345' | 'app' | 'wechat' | 'web' | 'grid_patrol' | 'sensor';

export interface PlaceNames {
  subdistrict: string;
  community: string;
  /** Another road of the same area, for crossings. */
  crossRoad: string;
}

const OPENERS = [
  '',
  '',
  '',
  '你好，',
  '您好，',
  '您好！',
  '投诉：',
  '反映一个问题，',
  '请问有人管吗？',
  '举报：',
];
const DURATIONS = [
  '',
  '',
  '已经一个多星期了',
  '持续好几天了',
  '从上个月就开始了',
  '不是第一次了',
  '天天如此',
  '反映过好几次都没解决',
];
const DEMANDS = [
  '希望尽快处理！',
  '麻烦管一管。',
  '请相关部门处理，谢谢。',
  '希望有关部门来看一下',
  '请尽快派人处理',
  '拜托了！！',
  '',
];
const HOTLINE_DEMANDS = [
  '要求相关部门尽快处理',
  '希望相关部门核实处理',
  '请相关部门到现场查看',
  '要求尽快解决',
  '希望加强管理',
];
const NEAR = ['附近', '门口', '旁边', '对面', '一带', ''];
const VAGUE_PLACES = ['这里', '我家楼下', '小区门口', '我们这边', '路口', '楼下'];

/** A place as people name it, from the most exact (door plate) to the vaguest. */
export function placeMention(rng: Rng, b: DemoBuilding, names: PlaceNames, wholeAddress: boolean): string {
  const area = wholeAddress
    ? `${rng.chance(0.5) ? '福田区' : ''}${names.subdistrict}${rng.chance(0.4) ? names.community : ''}`
    : '';
  const plate = `${b.road}${b.roadNo}号`;
  const estate = `${b.estate}${b.building}`;
  switch (rng.int(0, 5)) {
    case 0:
      return `${area}${plate}${rng.pick(NEAR)}`;
    case 1:
      return `${area}${estate}${rng.pick(NEAR)}`;
    case 2:
      return `${area}${b.road}与${names.crossRoad}交叉口`;
    case 3:
      return `${area}${plate}${b.estate}`;
    case 4:
      return `${area}${b.estate}${rng.pick(NEAR)}`;
    default:
      return `${area}${b.road}${rng.pick(['上', '边', '路段', '公交站旁'])}`;
  }
}

function fill(template: string, place: string): string {
  return template.replaceAll('{p}', place);
}

/** The free-text description a request arrives with, written the way its channel writes. */
export function describe(
  rng: Rng,
  channel: Channel,
  phrases: CategoryPhrases,
  building: DemoBuilding,
  names: PlaceNames,
): string {
  const problem = rng.pick(phrases.problems);
  const detail = rng.chance(0.7) ? rng.pick(phrases.details) : '';
  const duration = rng.pick(DURATIONS);
  switch (channel) {
    case 'hotline_12345': {
      const place = placeMention(rng, building, names, rng.chance(0.7));
      const parts = [fill(problem, place), detail, duration].filter(Boolean).join('，');
      switch (rng.int(0, 3)) {
        case 0:
          return `市民来电反映：${parts}，${rng.pick(HOTLINE_DEMANDS)}。`;
        case 1:
          return `来电人称${parts}。${rng.pick(HOTLINE_DEMANDS)}。${rng.chance(0.3) ? '（来电人要求回电）' : ''}`;
        case 2:
          return `来电人表示其住在${placeMention(rng, building, names, false)}，${fill(problem, rng.pick(VAGUE_PLACES))}，${detail || '影响生活'}。${rng.pick(HOTLINE_DEMANDS)}。`;
        default:
          return `市民来电称：${parts}。请相关部门核实处理。${rng.chance(0.2) ? '来电人不愿透露姓名。' : ''}`;
      }
    }
    case 'app':
    case 'wechat': {
      // App reports carry GPS, so many name no place at all.
      const place = rng.chance(0.45) ? rng.pick(VAGUE_PLACES) : placeMention(rng, building, names, false);
      if (rng.chance(0.15)) return fill(problem, place);
      const sentence = [fill(problem, place), detail, duration]
        .filter(Boolean)
        .join(rng.pick(['，', '，', '。', ' ']));
      const demand = rng.pick(DEMANDS);
      return `${rng.pick(OPENERS)}${sentence}${demand ? `${rng.pick(['，', '。', '！'])}${demand}` : '。'}`;
    }
    case 'web': {
      const place = placeMention(rng, building, names, true);
      return `尊敬的领导：您好！我是${names.community}的居民，${fill(problem, place)}。${detail ? `${detail}。` : ''}${duration ? `${duration}，` : ''}多次反映未果，恳请有关部门重视并予以解决。`;
    }
    case 'grid_patrol': {
      const place = placeMention(rng, building, names, false);
      const terse = rng.pick(phrases.terse);
      return rng.chance(0.5)
        ? `网格员巡查发现：${place}${terse}，已拍照上报。`
        : `${place}存在${terse}问题，需相关单位处置。`;
    }
    case 'sensor':
      return `${rng.pick(['物联感知设备告警', '智能监测点告警', '城市部件传感器告警'])}：${building.road}${building.roadNo}号附近${rng.pick(phrases.terse)}${rng.chance(0.5) ? `，监测值${rng.int(12, 60)}` : ''}。`;
  }
}
