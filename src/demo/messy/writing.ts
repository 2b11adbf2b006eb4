// How people in Shenzhen actually write addresses: hotline transcripts, WeChat reports, department
// spreadsheets, delivery notes. A catalogue of habits, written from what people type, not derived
// from any parser's rules.
import type { Rng } from './rng.ts';

/** Simplified → traditional, for the characters that turn up in Shenzhen addresses and reports. */
export const TRADITIONAL: ReadonlyMap<string, string> = new Map(
  (
    '区區 广廣 东東 号號 楼樓 栋棟 单單 层層 场場 国國 际際 华華 园園 门門 阁閣 湾灣 凤鳳 龙龍 岭嶺 莲蓮 云雲 ' +
    '兴興 宝寶 丽麗 庄莊 厦廈 岗崗 边邊 对對 铁鐵 侧側 汇匯 发發 开開 业業 贸貿 车車 电電 滨濱 尔爾 乐樂 ' +
    '万萬 达達 时時 顺順 锦錦 绣繡 红紅 丰豐 鸿鴻 协協 会會 馆館 轩軒 阳陽 杰傑 实實 众眾 银銀 财財 务務 ' +
    '厅廳 体體 书書 图圖 学學 医醫 机機 间間 户戶 卫衛 买買 卖賣 农農 为為 无無 专專 个個 来來 处處 请請 ' +
    '联聯 话話 员員 风風 头頭 宁寧 侨僑 桥橋 长長 鹏鵬 晓曉 极極 厂廠 问問 题題 扰擾 环環 邻鄰 亲親 观觀 ' +
    '绿綠 钢鋼 铺鋪 宾賓 贤賢 养養 师師 陈陳 刘劉 黄黃 张張 赵趙 郑鄭 吴吳 孙孫 杨楊 罗羅 马馬 汉漢 乡鄉 ' +
    '镇鎮 县縣 岛島 气氣 总總 济濟 经經 营營 设設 报報 帮幫 说說 谢謝 应應 该該 进進 这這 们們 过過 还還 ' +
    '从從 当當 动動 荟薈 颐頤 韵韻 铂鉑 领領 誉譽 滩灘 泽澤 晖暉 锋鋒 荣榮 润潤 伟偉 创創 讯訊 软軟 产產 ' +
    '纪紀 荫蔭 桦樺 枫楓 竞競 赛賽 强強 庙廟 购購 质質 检檢 测測 试試 标標 证證 办辦 网網 坏壞 灯燈 ' +
    '乱亂 脏髒 声聲 积積 盖蓋 违違 规規 占佔 摊攤 摆擺 贩販 饭飯 烟煙 邮郵 递遞'
  )
    .split(' ')
    .map((pair) => [pair[0]!, pair[1]!] as const),
);

export function toTraditional(text: string): string {
  return Array.from(text, (ch) => TRADITIONAL.get(ch) ?? ch).join('');
}

/** What a Chinese IME in full-width mode types: ASCII letters, digits and dashes become U+FF01…U+FF5E. */
export function toFullWidth(text: string): string {
  return text.replace(/[0-9A-Za-z\-#]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0));
}

const DIGITS = '零一二三四五六七八九';

/** 1…99 as people write it: 六, 十二, 二十三. */
export function chineseNumber(n: number): string | undefined {
  if (!Number.isInteger(n) || n < 1 || n > 99) return undefined;
  if (n < 10) return DIGITS[n]!;
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return `${tens === 1 ? '' : DIGITS[tens]}十${ones ? DIGITS[ones] : ''}`;
}

/** Digit by digit, as a room is read out on the hotline: 二三零一, or with 幺 for 1 (二三零幺). */
export function spokenDigits(digits: string, yao: boolean): string {
  return digits.replace(/\d/g, (d) => (yao && d === '1' ? '幺' : DIGITS[Number(d)]!));
}

/** Same-sound characters an IME offers first, or a hurried typist picks. */
export const HOMOPHONES = new Map(
  (
    '广光 场厂 际计 园源 华化 花华 苑院 庭廷 湾弯 城成 府付 厦夏 田甜 福富 庄装 新心 沙砂 益易 莲连 梅美 ' +
    '林琳 景境 岗港 岭领 香乡 蜜密 湖胡 东冬 阁格 居局 轩萱 雅亚 丽立 荔利 皇黄 峰锋 泰太 安按 坊方 围维 ' +
    '岸案 龙笼 凤风 石时 街阶 道到 村存 洲州 港岗 鹏朋 强墙 航杭 红宏'
  )
    .split(' ')
    .map((pair) => [pair[0]!, pair[1]!] as const),
);

export const PERSON_NAMES = [
  '张先生',
  '李女士',
  '王小姐',
  '陈生',
  '刘阿姨',
  '黄师傅',
  '林先生',
  '赵女士',
  '周生',
  '吴小姐',
  '郑伯',
  '杨工',
];

export function phoneNumber(rng: Rng): string {
  const mobile = `1${rng.pick(['3', '5', '7', '8', '9'])}${String(rng.int(0, 999_999_999)).padStart(9, '0')}`;
  const style = rng.int(0, 3);
  if (style === 0) return `${mobile.slice(0, 3)}-${mobile.slice(3, 7)}-${mobile.slice(7)}`;
  if (style === 1) return `0755-${rng.int(2, 8)}${String(rng.int(0, 9_999_999)).padStart(7, '0')}`;
  return mobile;
}

/** Bracketed asides that carry no address: landmarks, delivery hints. */
export const BRACKET_NOTES = [
  '（靠近地铁站）',
  '(近公交站)',
  '（地铁口出来右转）',
  '【放门卫室】',
  '(公司前台)',
  '（快递柜）',
  '[物业管理处]',
  '（请电话联系）',
  '(工作日送货)',
  '（对面是便利店）',
];

/** Where a reported problem is, relative to the place named. */
export const DIRECTIONS = [
  '附近',
  '对面',
  '旁边',
  '旁',
  '东侧50米',
  '门口',
  '楼下',
  '西北角',
  '往南100米',
  '斜对面',
  '后面',
  '北门',
];

/** What hotline and WeChat reports say around the address. */
export const COMPLAINTS = [
  '楼下噪音扰民',
  '垃圾堆放多日无人清理',
  '电梯坏了',
  '井盖缺失',
  '有人占道经营',
  '楼上漏水严重',
  '路灯不亮',
  '有车违规停放',
  '油烟太大',
  '有人乱摆摊',
];

export const REPORT_FRAMES: ((address: string, complaint: string) => string)[] = [
  (a, c) => `市民来电反映：${a}${c}，请尽快处理`,
  (a, c) => `我住在${a}，${c}`,
  (a, c) => `【投诉】${a} ${c}`,
  (a, c) => `${a}${c}，已经好几天了`,
  (a, c) => `来电人称${a}${c}，要求处理`,
  (a, c) => `你好，${a}这边${c}`,
];

export const DELIVERY_FRAMES: ((address: string, person: string, phone: string) => string)[] = [
  (a, p, t) => `${p} ${t} ${a}`,
  (a, p, t) => `${a} ${p}${t}`,
  (a, p, t) => `收货人：${p}，电话：${t}，地址：${a}`,
  (a, p, t) => `${p}，${t}，${a}`,
  (a, p, t) => `${a}（${p} ${t}）`,
];

export const EMOJI_DECORATIONS: ((address: string) => string)[] = [
  (a) => `📍${a}`,
  (a) => `${a}🏠`,
  (a) => `🙏🙏${a}`,
  (a) => `${a} 😡😡`,
  (a) => `🏢${a}👍`,
];

/** Other Shenzhen districts with real roads, places and subdistricts: must never match Futian. */
export const OTHER_DISTRICTS = [
  {
    district: '南山区',
    subdistricts: ['粤海街道', '南头街道', '蛇口街道', '招商街道', '沙河街道'],
    roads: ['科苑路', '南海大道', '后海大道', '学府路', '南新路', '高新南一道', '沙河西路'],
    places: ['科技园', '海岸城', '深圳湾科技生态园', '南山书城', '蛇口网谷', '桃源村'],
  },
  {
    district: '罗湖区',
    subdistricts: ['桂园街道', '东门街道', '南湖街道', '黄贝街道'],
    roads: ['人民南路', '东门中路', '宝安南路', '解放路', '嘉宾路', '建设路'],
    places: ['国贸大厦', '万象城', '东门步行街', '金光华广场', '地王大厦'],
  },
  {
    district: '宝安区',
    subdistricts: ['新安街道', '西乡街道', '福永街道'],
    roads: ['宝安大道', '新湖路', '创业一路', '建安一路'],
    places: ['宝安中心', '西乡步行街', '海雅缤纷城'],
  },
  {
    district: '龙岗区',
    subdistricts: ['布吉街道', '龙城街道', '坂田街道'],
    roads: ['龙岗大道', '布吉路', '龙翔大道'],
    places: ['万科城', '大运中心', '星河时代'],
  },
  {
    district: '龙华区',
    subdistricts: ['民治街道', '龙华街道', '大浪街道'],
    roads: ['民治大道', '人民路', '梅龙大道'],
    places: ['壹方天地', '红山6979', '龙华汽车站'],
  },
  {
    district: '盐田区',
    subdistricts: ['沙头角街道', '海山街道'],
    roads: ['深盐路', '海景二路'],
    places: ['大梅沙', '中英街'],
  },
];

/** Other cities, written the way delivery notes arrive in a Shenzhen inbox. */
export const OTHER_CITIES = [
  {
    prefix: '广东省广州市天河区',
    roads: ['天河路', '体育西路', '花城大道', '天河北路'],
    places: ['天河城', '正佳广场'],
  },
  { prefix: '广州市越秀区', roads: ['北京路', '中山五路', '东风中路'], places: ['北京路步行街'] },
  { prefix: '东莞市南城街道', roads: ['鸿福路', '宏图路'], places: ['第一国际'] },
  { prefix: '惠州市惠城区', roads: ['江北三路', '文明一路'], places: ['华贸天地'] },
  { prefix: '北京市朝阳区', roads: ['建国路', '东三环中路', '朝阳门外大街'], places: ['国贸商城'] },
  { prefix: '上海市浦东新区', roads: ['世纪大道', '陆家嘴环路', '张杨路'], places: ['正大广场'] },
  { prefix: '香港九龙', roads: ['弥敦道', '广东道'], places: ['海港城'] },
  { prefix: '福建省福州市鼓楼区', roads: ['五四路', '八一七北路'], places: ['东街口'] },
];

/** What department spreadsheets hold in an address cell when there is no address. */
export const PLACEHOLDERS = [
  '无',
  '/',
  '同上',
  '详见附件',
  '#N/A',
  'NULL',
  '-',
  '0',
  '不详',
  '待补充',
  '？？？',
  '。。。',
];

export const GIBBERISH = [
  'asdfghjkl',
  'qwertyuiop',
  '啊啊啊啊啊',
  '测试测试',
  '1234567',
  'xxxxxx',
  '哈哈哈哈',
  'aaa111',
];

export const EMOJI_ONLY = ['🏠🏢📍', '😀😀😀', '👍', '👨‍👩‍👧‍👦', '🇨🇳🇨🇳', '🙏', '💩💩💩💩'];

export const ENGLISH = [
  'Please fix the street light outside my building',
  'Room 2301, 88 Queensway, Admiralty, Hong Kong',
  '1600 Amphitheatre Parkway, Mountain View, CA 94043',
  'hello world',
  'Flat 4B, 221B Baker Street, London',
  'Shenzhen',
  'n/a',
  'test address please ignore',
];

export const CONTROL_CHARS = [
  '\u0000\u0001\u0002',
  '\u001b[31mERROR\u001b[0m',
  '\u007f\u007f',
  'abc\u0007\u0008def',
  '\u000b\u000c',
];
