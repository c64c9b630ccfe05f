// The web chat's own words, in the three languages the bot speaks. These are the sandbox page's
// labels only (the bot's messages come from locales/, through the bot). The page speaks the
// chosen persona's language; before one is chosen, the one picked on the first screen.

const WORDS = {
  en: {
    sandbox: 'Linli sandbox',
    intro:
      'Try the Linli bot as anyone in the demo street office. Open a second tab as someone else: what one does reaches the other live.',
    whoAreYou: 'Who are you?',
    pageLanguage: 'Page language',
    newResident: 'New resident',
    name: 'Name',
    namePlaceholder: 'e.g. 刘先生',
    telegramLanguage: 'Telegram language',
    startAsNew: 'Start as a new resident',
    switchPersona: 'Switch persona',
    sandboxTime: 'Sandbox time',
    plusHour: '+1 h',
    plusDay: '+1 day',
    plusWeek: '+1 week',
    backToChats: 'Back to chats',
    start: 'START',
    commands: 'Commands',
    menu: 'Menu',
    attach: 'Attach',
    message: 'Message',
    showKeyboard: 'Show keyboard',
    send: 'Send',
    close: 'Close',
    spoiler: 'Spoiler: click to show',
    privateChat: 'Private chat with the bot',
    group: 'Group',
    bot: 'bot',
    groupYouAre: 'group · you are {name}',
    photo: 'Photo',
    doc: 'DOC',
    download: 'download',
    file: 'File',
    location: 'Location',
    contact: 'Contact',
    document: 'Document',
    edited: 'edited',
    sticker: '🙂 Sticker',
    voice: '🎤 Voice message',
    joined: '{name} joined the group',
    left: '{name} left the group',
    deadButton: 'This kind of button does nothing in the sandbox.',
    attachPhotoHint: 'a picture from this computer (the text in the box becomes its caption)',
    attachLocationHint: 'pick a point',
    attachContactHint: 'share your phone number',
    attachDocumentHint: 'any file',
    latitude: 'Latitude',
    longitude: 'Longitude',
    sendLocation: 'Send location',
    locationTitle: 'Location (the community centre is filled in)',
    yourPhone: 'Your phone number',
    shareContact: 'Share my contact',
    shareContactTitle: 'Share your contact',
    cannotRead: 'could not read the file',
    timeMoved: 'Time moved on to {time}: {jobs}',
    noJob: 'no job was due',
    oneJob: '1 job ran',
    manyJobs: '{n} jobs ran',
    role_resident: 'Resident',
    role_volunteer: 'Volunteer',
    role_lead: 'Team lead',
    role_staff: 'Staff',
    role_admin: 'Admin',
    notRegistered: 'New resident: not registered yet',
    committeeOf: '{community} committee',
    streetOffice: 'street office (all communities)',
    speaks: ' ({language})',
  },
  'zh-CN': {
    sandbox: '邻里 Linli 沙盒',
    intro: '以演示街道中任何一个人的身份试用 Linli 机器人。再开一个标签页扮演另一个人：一方的操作会实时出现在另一方。',
    whoAreYou: '您是谁？',
    pageLanguage: '页面语言',
    newResident: '新居民',
    name: '姓名',
    namePlaceholder: '例如 刘先生',
    telegramLanguage: 'Telegram 语言',
    startAsNew: '以新居民身份开始',
    switchPersona: '切换身份',
    sandboxTime: '沙盒时间',
    plusHour: '+1 小时',
    plusDay: '+1 天',
    plusWeek: '+1 周',
    backToChats: '返回聊天列表',
    start: '开始',
    commands: '命令',
    menu: '菜单',
    attach: '附件',
    message: '消息',
    showKeyboard: '显示键盘',
    send: '发送',
    close: '关闭',
    spoiler: '剧透：点击显示',
    privateChat: '与机器人的私聊',
    group: '群组',
    bot: '机器人',
    groupYouAre: '群组 · 您是{name}',
    photo: '照片',
    doc: '文件',
    download: '下载',
    file: '文件',
    location: '位置',
    contact: '联系人',
    document: '文件',
    edited: '已编辑',
    sticker: '🙂 贴纸',
    voice: '🎤 语音消息',
    joined: '{name} 加入了群组',
    left: '{name} 离开了群组',
    deadButton: '这种按钮在沙盒里没有作用。',
    attachPhotoHint: '这台电脑上的图片（输入框里的文字作为说明）',
    attachLocationHint: '选一个地点',
    attachContactHint: '分享您的手机号',
    attachDocumentHint: '任意文件',
    latitude: '纬度',
    longitude: '经度',
    sendLocation: '发送位置',
    locationTitle: '位置（已填入社区中心）',
    yourPhone: '您的手机号',
    shareContact: '分享我的联系方式',
    shareContactTitle: '分享联系方式',
    cannotRead: '无法读取文件',
    timeMoved: '时间已前进到 {time}：{jobs}',
    noJob: '没有到期的任务',
    oneJob: '运行了 1 个任务',
    manyJobs: '运行了 {n} 个任务',
    role_resident: '居民',
    role_volunteer: '志愿者',
    role_lead: '队长',
    role_staff: '工作人员',
    role_admin: '管理员',
    notRegistered: '新居民：尚未登记',
    committeeOf: '{community}居委会',
    streetOffice: '街道办（所有社区）',
    speaks: '（{language}）',
  },
  'zh-TW': {
    sandbox: '鄰里 Linli 沙盒',
    intro: '以示範街道中任何一個人的身分試用 Linli 機器人。再開一個分頁扮演另一個人：一方的操作會即時出現在另一方。',
    whoAreYou: '您是誰？',
    pageLanguage: '頁面語言',
    newResident: '新居民',
    name: '姓名',
    namePlaceholder: '例如 劉先生',
    telegramLanguage: 'Telegram 語言',
    startAsNew: '以新居民身分開始',
    switchPersona: '切換身分',
    sandboxTime: '沙盒時間',
    plusHour: '+1 小時',
    plusDay: '+1 天',
    plusWeek: '+1 週',
    backToChats: '返回聊天列表',
    start: '開始',
    commands: '指令',
    menu: '選單',
    attach: '附件',
    message: '訊息',
    showKeyboard: '顯示鍵盤',
    send: '傳送',
    close: '關閉',
    spoiler: '暴雷：點擊顯示',
    privateChat: '與機器人的私訊',
    group: '群組',
    bot: '機器人',
    groupYouAre: '群組 · 您是{name}',
    photo: '照片',
    doc: '檔案',
    download: '下載',
    file: '檔案',
    location: '位置',
    contact: '聯絡人',
    document: '檔案',
    edited: '已編輯',
    sticker: '🙂 貼圖',
    voice: '🎤 語音訊息',
    joined: '{name} 加入了群組',
    left: '{name} 離開了群組',
    deadButton: '這種按鈕在沙盒裡沒有作用。',
    attachPhotoHint: '這台電腦上的圖片（輸入框裡的文字作為說明）',
    attachLocationHint: '選一個地點',
    attachContactHint: '分享您的手機號碼',
    attachDocumentHint: '任意檔案',
    latitude: '緯度',
    longitude: '經度',
    sendLocation: '傳送位置',
    locationTitle: '位置（已填入社區中心）',
    yourPhone: '您的手機號碼',
    shareContact: '分享我的聯絡方式',
    shareContactTitle: '分享聯絡方式',
    cannotRead: '無法讀取檔案',
    timeMoved: '時間已前進到 {time}：{jobs}',
    noJob: '沒有到期的工作',
    oneJob: '執行了 1 個工作',
    manyJobs: '執行了 {n} 個工作',
    role_resident: '居民',
    role_volunteer: '志工',
    role_lead: '隊長',
    role_staff: '工作人員',
    role_admin: '管理員',
    notRegistered: '新居民：尚未登記',
    committeeOf: '{community}居委會',
    streetOffice: '街道辦（所有社區）',
    speaks: '（{language}）',
  },
};

/** Each language by its own name, as the bot's language picker writes it. */
export const LANGUAGES = { 'zh-CN': '简体中文', 'zh-TW': '繁體中文', en: 'English' };
/** BCP 47 tags for dates and times (British English: 12 March, 24-hour clock). */
const INTL = { 'zh-CN': 'zh-CN', 'zh-TW': 'zh-TW', en: 'en-GB' };

let lang = 'en';

/** The language a browser asks for, as one of ours. */
export function browserLanguage(tags = navigator.languages ?? [navigator.language]) {
  for (const tag of tags) {
    const lower = String(tag).toLowerCase();
    if (/^zh-(tw|hk|mo|hant)/.test(lower)) return 'zh-TW';
    if (lower.startsWith('zh')) return 'zh-CN';
    if (lower.startsWith('en')) return 'en';
  }
  return 'en';
}

export function setLanguage(language) {
  lang = WORDS[language] ? language : 'en';
  document.documentElement.lang = lang;
}

export const language = () => lang;

/** A label in the page's language, with {placeholders} filled in. */
export function t(key, vars = {}) {
  const text = WORDS[lang][key] ?? WORDS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ''));
}

/** Fills the static page: data-i18n (text), data-i18n-title (title and aria-label), data-i18n-placeholder. */
export function translatePage(root = document) {
  for (const node of root.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of root.querySelectorAll('[data-i18n-title]')) {
    node.title = t(node.dataset.i18nTitle);
    node.setAttribute('aria-label', t(node.dataset.i18nTitle));
  }
  for (const node of root.querySelectorAll('[data-i18n-placeholder]')) node.placeholder = t(node.dataset.i18nPlaceholder);
}

const localName = (names) => (names ? (names[lang] ?? names.en ?? '') : '');

/** One line about a persona (server's `details`: what the bot knows of them now), in the page's language. */
export function describe(p) {
  const d = p.details ?? {};
  const role = t(`role_${p.role}`);
  const sep = lang === 'en' ? ', ' : ' · ';
  let line;
  if (p.role === 'admin') line = `${role}${sep}${t('streetOffice')}`;
  else if (!d.registered) line = t('notRegistered');
  else if ((p.role === 'volunteer' || p.role === 'lead') && d.team) line = `${role}${sep}${localName(d.team)}`;
  else if (p.role === 'staff') line = `${role}${sep}${t('committeeOf', { community: localName(d.community) })}`;
  else line = `${role}${sep}${[localName(d.community), localName(d.building)].filter(Boolean).join(' ')}`;
  return p.locale && p.locale !== lang ? `${line}${t('speaks', { language: LANGUAGES[p.locale] ?? p.locale })}` : line;
}

const formatter = (options, timeZone) => {
  try {
    return new Intl.DateTimeFormat(INTL[lang], { ...options, timeZone });
  } catch {
    return new Intl.DateTimeFormat(INTL[lang], options);
  }
};

/** 14:05: a message's time, in the community's time zone. */
export const timeText = (ms, timeZone) => formatter({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }, timeZone).format(ms);

/** The day a date separator names: "Thursday 12 March", "3月12日星期四" (with the year when not `thisYear`'s). */
export function dayText(ms, timeZone, nowMs) {
  const year = (at) => formatter({ year: 'numeric' }, timeZone).format(at);
  const withYear = nowMs !== undefined && year(ms) !== year(nowMs);
  return formatter({ weekday: 'long', day: 'numeric', month: 'long', ...(withYear && { year: 'numeric' }) }, timeZone).format(ms);
}

/** The key of a day in that time zone, to tell when a separator is due. */
export const dayKey = (ms, timeZone) => formatter({ year: 'numeric', month: '2-digit', day: '2-digit' }, timeZone).format(ms);

/** The sandbox clock: "Thu 12 Mar, 09:00", "3月12日周四 09:00". */
export const clockText = (ms, timeZone) =>
  formatter({ weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }, timeZone).format(
    ms,
  );
