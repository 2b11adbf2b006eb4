// Words the population and the departments are made of: surnames by frequency, given-name characters,
// home regions of the people who came to Shenzhen, industries, shop and company words, hospitals.

const words = (text: string): string[] => text.split(/\s+/).filter(Boolean);

/** The most common Chinese surnames, most frequent first (weights fall off with rank). */
export const SURNAMES: readonly string[] = words(
  '王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 林 罗 高 郑 梁 谢 宋 唐 许 韩 冯 邓 曹 彭 曾 肖 田 ' +
    '董 袁 潘 蔡 蒋 余 于 杜 叶 程 魏 苏 吕 丁 任 卢 姚 沈 钟 姜 崔 谭 陆 范 汪 廖 石 金 韦 贾 夏 付 方 邹 ' +
    '熊 白 孟 秦 邱 侯 江 尹 薛 闫 段 雷 龙 黎 史 陶 贺 毛 郝 顾 龚 邵 万 覃 武 钱 戴 严 欧阳 司徒',
);

export const MALE_NAME_CHARS: readonly string[] = words(
  '伟 强 磊 军 勇 杰 涛 明 超 斌 鹏 辉 华 俊 飞 刚 平 波 建 国 峰 林 志 文 浩 宇 轩 睿 博 子 皓 然 晨 ' +
    '俊 天 泽 宏 海 健 永 德 成 家 荣 新 龙 东 翔 诚 毅 旭 昊 楠 坤 彬 锋 嘉 铭 瑞 豪 凯 晖 振 立',
);

export const FEMALE_NAME_CHARS: readonly string[] = words(
  '芳 娜 敏 静 丽 艳 娟 霞 秀 玲 燕 红 琳 婷 雪 慧 颖 洁 倩 佳 欣 怡 萱 梓 涵 雨 诗 思 晓 月 玉 梅 ' +
    '凤 丹 蓉 莉 琪 璐 瑶 可 悦 彤 妍 馨 婉 雅 宁 晴 蕾 薇 琴 兰 春 美 素 桂 淑 珍 英 华 洋',
);

export interface Region {
  code: string;
  /** As the 户籍地 column writes it. */
  name: string;
  weight: number;
}

/**
 * County-level divisions (national division codes) people in Futian come from. Guangdong's east and
 * north, Hunan, Guangxi, Jiangxi, Hubei and Sichuan send most; the big cities a few.
 */
export const HOME_REGIONS: readonly Region[] = [
  { code: '440513', name: '广东省汕头市潮阳区', weight: 6 },
  { code: '440514', name: '广东省汕头市潮南区', weight: 4 },
  { code: '445281', name: '广东省普宁市', weight: 6 },
  { code: '445202', name: '广东省揭阳市榕城区', weight: 3 },
  { code: '441481', name: '广东省兴宁市', weight: 4 },
  { code: '441402', name: '广东省梅州市梅江区', weight: 3 },
  { code: '441302', name: '广东省惠州市惠城区', weight: 2 },
  { code: '440981', name: '广东省高州市', weight: 4 },
  { code: '440982', name: '广东省化州市', weight: 3 },
  { code: '440106', name: '广东省广州市天河区', weight: 2 },
  { code: '440103', name: '广东省广州市荔湾区', weight: 1 },
  { code: '430104', name: '湖南省长沙市岳麓区', weight: 3 },
  { code: '430602', name: '湖南省岳阳市岳阳楼区', weight: 3 },
  { code: '431021', name: '湖南省桂阳县', weight: 4 },
  { code: '430521', name: '湖南省邵东县', weight: 4 },
  { code: '450102', name: '广西壮族自治区南宁市兴宁区', weight: 2 },
  { code: '450881', name: '广西壮族自治区桂平市', weight: 4 },
  { code: '360121', name: '江西省南昌县', weight: 3 },
  { code: '360702', name: '江西省赣州市章贡区', weight: 3 },
  { code: '420106', name: '湖北省武汉市武昌区', weight: 3 },
  { code: '421182', name: '湖北省武穴市', weight: 2 },
  { code: '510104', name: '四川省成都市锦江区', weight: 2 },
  { code: '511602', name: '四川省广安市广安区', weight: 2 },
  { code: '410102', name: '河南省郑州市中原区', weight: 2 },
  { code: '411381', name: '河南省邓州市', weight: 3 },
  { code: '350102', name: '福建省福州市鼓楼区', weight: 1 },
  { code: '350581', name: '福建省石狮市', weight: 1 },
  { code: '320106', name: '江苏省南京市鼓楼区', weight: 1 },
  { code: '330106', name: '浙江省杭州市西湖区', weight: 1 },
  { code: '370102', name: '山东省济南市历下区', weight: 1 },
  { code: '500101', name: '重庆市万州区', weight: 2 },
  { code: '610113', name: '陕西省西安市雁塔区', weight: 1 },
  { code: '110105', name: '北京市朝阳区', weight: 1 },
  { code: '310104', name: '上海市徐汇区', weight: 1 },
  { code: '230103', name: '黑龙江省哈尔滨市南岗区', weight: 1 },
];

/** Shenzhen districts: where people born in Shenzhen were first registered. */
export const SHENZHEN_REGIONS: readonly Region[] = [
  { code: '440304', name: '广东省深圳市福田区', weight: 8 },
  { code: '440303', name: '广东省深圳市罗湖区', weight: 1 },
  { code: '440305', name: '广东省深圳市南山区', weight: 1 },
];

export const REGION_NAMES: ReadonlyMap<string, string> = new Map(
  [...HOME_REGIONS, ...SHENZHEN_REGIONS].map((r) => [r.code, r.name]),
);

/** 民族: 汉族 overwhelmingly, then the minorities most common among migrants to Shenzhen. */
export const NATIONS: readonly string[] = ['汉族', '壮族', '土家族', '苗族', '瑶族', '畲族', '满族', '回族'];

/** Futian police stations by subdistrict code. */
export const POLICE_STATIONS: Readonly<Record<string, string>> = {
  '440304001': '南园派出所',
  '440304002': '园岭派出所',
  '440304004': '福田派出所',
  '440304005': '沙头派出所',
  '440304006': '香蜜湖派出所',
  '440304007': '梅林派出所',
  '440304008': '莲花派出所',
  '440304009': '华富派出所',
  '440304010': '福保派出所',
  '440304011': '华强北派出所',
};

export interface Industry {
  /** GB/T 4754-2017 section letter + four-digit class. */
  code: string;
  name: string;
  /** Words a company in this industry puts before 有限公司. */
  word: string;
  scope: string;
}

const industry = (code: string, name: string, word: string, scope: string): Industry => ({
  code,
  name,
  word,
  scope,
});

/** Industries of office-tower companies. */
export const OFFICE_INDUSTRIES: readonly Industry[] = [
  industry('I6513', '应用软件开发', '软件科技', '计算机软件开发；信息技术咨询'),
  industry('I6531', '信息系统集成服务', '信息技术', '信息系统集成；计算机网络工程'),
  industry('I6560', '信息技术咨询服务', '网络科技', '信息技术咨询；技术服务'),
  industry('I6429', '互联网其他信息服务', '互联网科技', '互联网信息服务；网络技术开发'),
  industry('J6621', '商业银行服务', '金融服务', '金融信息咨询；金融外包服务'),
  industry('J6712', '证券经纪交易服务', '投资咨询', '投资咨询；证券投资'),
  industry('L7212', '投资与资产管理', '投资管理', '投资管理；资产管理；股权投资'),
  industry('L7211', '企业总部管理', '实业', '企业管理；投资兴办实业'),
  industry('L7241', '会计、审计及税务服务', '财务咨询', '财务咨询；代理记账'),
  industry('L7231', '律师及相关法律服务', '法律咨询', '法律咨询；商务咨询'),
  industry('L7259', '其他广告服务', '文化传播', '广告设计、制作、代理；文化活动策划'),
  industry('L7281', '科技会展服务', '会展服务', '会议及展览服务；礼仪服务'),
  industry('F5181', '贸易代理', '贸易', '国内贸易；货物及技术进出口'),
  industry('F5193', '互联网批发', '供应链', '供应链管理；国内贸易；进出口'),
  industry('F5292', '互联网零售', '电子商务', '网上零售；电子商务；国内贸易'),
  industry('F5176', '计算机、软件及辅助设备批发', '电子', '电子产品销售；计算机软硬件销售'),
  industry('K7030', '房地产中介服务', '房地产经纪', '房地产经纪；房屋租赁'),
  industry('K7010', '房地产开发经营', '房地产开发', '房地产开发经营'),
  industry('K7020', '物业管理', '物业管理', '物业管理；停车场经营'),
  industry('K7040', '房地产租赁经营', '置业', '自有物业租赁'),
  industry('M7320', '工程和技术研究和试验发展', '技术研究', '技术开发、技术咨询、技术转让'),
  industry('M7484', '工程设计活动', '工程设计', '建筑工程设计；装饰设计'),
  industry('E5011', '公共建筑装饰和装修', '装饰工程', '建筑装饰装修工程'),
  industry('L7262', '职业中介活动', '人力资源', '人才中介；劳务派遣'),
];

/** Industries of shops, restaurants and home businesses (individual businesses). */
export const SHOP_INDUSTRIES: readonly Industry[] = [
  industry('H6210', '正餐服务', '餐饮店', '餐饮服务'),
  industry('H6220', '快餐服务', '快餐店', '快餐服务'),
  industry('H6232', '咖啡馆服务', '咖啡馆', '咖啡、饮品'),
  industry('F5212', '超级市场零售', '便利店', '预包装食品、日用品零售；烟草制品零售'),
  industry('F5221', '粮油零售', '粮油店', '粮油、副食品零售'),
  industry('F5251', '药品零售', '药店', '药品零售；医疗器械销售'),
  industry('F5232', '服装零售', '服装店', '服装、鞋帽零售'),
  industry('F5274', '通信设备零售', '通讯店', '手机及配件零售、维修'),
  industry('O8051', '理发及美容服务', '美发店', '理发；美容'),
  industry('O8011', '家政服务', '家政服务部', '家政服务；保洁'),
  industry('H6110', '旅游饭店', '酒店', '住宿服务'),
  industry('Q8421', '社区卫生服务中心（站）', '诊所', '门诊服务'),
  industry('P8393', '文化艺术培训', '培训中心', '文化艺术培训'),
  industry('F5292', '互联网零售', '网店', '网上零售'),
];

/** Two-character trade names (字号) are drawn from these. */
export const TRADE_CHARS: readonly string[] = words(
  '华 鹏 达 兴 盛 泰 恒 信 创 新 源 通 宏 嘉 和 安 宇 腾 飞 鑫 隆 顺 丰 瑞 昌 辉 祥 远 德 益 诚 汇 ' +
    '联 天 海 博 晟 卓 越 佳 美 优 星 智 云 银 金 聚 合 中 科 迅 捷 力 思 维 众 成 万 邦 亿 利 康 乐',
);

export const HOSPITALS: readonly string[] = [
  '深圳市妇幼保健院',
  '北京大学深圳医院',
  '香港大学深圳医院',
  '深圳市第二人民医院',
  '中山大学附属第八医院',
  '深圳市福田区妇幼保健院',
  '深圳市中医院',
  '深圳市人民医院',
];

export const BANKS: readonly { name: string; bin: string }[] = [
  { name: '中国工商银行深圳福田支行', bin: '622202' },
  { name: '中国建设银行深圳分行', bin: '621700' },
  { name: '中国农业银行深圳福田支行', bin: '622848' },
  { name: '中国银行深圳福田支行', bin: '621661' },
  { name: '招商银行深圳分行', bin: '621483' },
  { name: '深圳农村商业银行福田支行', bin: '623035' },
];
