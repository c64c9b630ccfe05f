// The Linli sandbox web chat: plain DOM, no framework. One tab acts as one persona (?as=<id>);
// everything it shows comes from the emulator through /api, and changes arrive on /api/events.
// Its own labels speak the persona's language (chat-i18n.js); times follow the sandbox clock.

import { browserLanguage, clockText, dayKey, dayText, describe, language, setLanguage, t, timeText, translatePage } from './chat-i18n.js';

const $ = (id) => document.getElementById(id);
const el = (tag, props = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === 'class') node.className = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else node[key] = value;
  }
  for (const child of children.flat()) if (child !== undefined && child !== null && child !== false) node.append(child);
  return node;
};

const state = {
  me: undefined, // { id, name, role, about, locale }
  chats: [],
  chatId: undefined,
  chat: undefined, // the open chat: { id, title, type }
  keyboard: null,
  keyboardHidden: false,
  commands: [],
  centre: { latitude: 31.2304, longitude: 121.4737 },
  unread: new Map(),
  events: undefined,
  clock: undefined, // { now, timeZone, text }: the sandbox clock as last heard
};

const LANGUAGE_KEY = 'linli-sandbox-language';

/** Switches the page's own labels to a language (the persona's, or the one picked on the first screen). */
function useLanguage(lang) {
  if (lang === language() && document.documentElement.dataset.translated) return;
  setLanguage(lang);
  document.documentElement.dataset.translated = '1';
  translatePage();
  $('page-language').value = language();
  if (state.clock) setClock(state.clock);
}

// ---- talking to the server ----

async function api(path, body) {
  const res = await fetch(
    path,
    body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
  );
  const data = await res.json().catch(() => ({ error: res.statusText }));
  if (!res.ok) throw new Error(data.error ?? res.statusText);
  return data;
}

/** Runs an action; its failure (the bot did not answer, a bad value) becomes a toast, not a dead page. */
async function act(fn) {
  try {
    return await fn();
  } catch (err) {
    toast(err.message);
  }
}

let toastTimer;
function toast(text) {
  const box = $('toast');
  box.textContent = text;
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (box.hidden = true), 3500);
}

// ---- Telegram formatting: text + entities, drawn with DOM nodes (never innerHTML) ----

const TAGS = {
  bold: 'b',
  italic: 'i',
  underline: 'u',
  strikethrough: 's',
  code: 'code',
  blockquote: 'blockquote',
  expandable_blockquote: 'blockquote',
};

function renderText(text, entities = []) {
  const sorted = [...entities].sort((a, b) => a.offset - b.offset || b.length - a.length);
  const fragment = document.createDocumentFragment();
  build(fragment, text, sorted, 0, text.length);
  return fragment;
}

/** Appends text[from, to) to parent, wrapping the entities that start inside it (nested ones recursively). */
function build(parent, text, entities, from, to) {
  let at = from;
  for (let i = 0; i < entities.length; i++) {
    const e = entities[i];
    if (e.offset < at || e.offset >= to) continue;
    if (e.offset > at) parent.append(text.slice(at, e.offset));
    const end = Math.min(e.offset + e.length, to);
    const inner = entities.filter((x, j) => j > i && x.offset >= e.offset && x.offset + x.length <= end);
    const node = entityNode(e, text.slice(e.offset, end));
    build(node, text, inner, e.offset, end);
    parent.append(node);
    at = end;
  }
  if (at < to) parent.append(text.slice(at, to));
}

function entityNode(e, content) {
  switch (e.type) {
    case 'text_link':
    case 'url': {
      const href = e.type === 'url' ? content : e.url;
      const safe = /^(https?:|tg:|mailto:)/i.test(href ?? '') ? href : undefined;
      return el('a', { href: safe ?? '#', target: '_blank', rel: 'noopener noreferrer' });
    }
    case 'pre':
      return el('pre', { className: e.language ? `language-${e.language}` : '' });
    case 'spoiler':
      return el('span', { class: 'spoiler', title: t('spoiler'), onclick: (ev) => ev.currentTarget.classList.add('shown') });
    case 'bot_command':
      return el('a', {
        href: '#',
        class: 'command',
        onclick: (ev) => {
          ev.preventDefault();
          sendText(content.replace(/@\w+$/, ''));
        },
      });
    default:
      return TAGS[e.type]
        ? el(TAGS[e.type], e.type === 'expandable_blockquote' ? { class: 'expandable' } : {})
        : el('span', { class: e.type });
  }
}

// ---- screens ----

const wide = () => window.matchMedia('(min-width: 760px)').matches;

function show(screen) {
  $('people').hidden = screen !== 'people';
  $('chats').hidden = screen === 'people' || (screen === 'chat' && !wide());
  $('chat').hidden = screen !== 'chat' && !(screen === 'chats' && wide() && state.chatId !== undefined);
  document.body.dataset.screen = screen;
}

function setUrl() {
  const params = new URLSearchParams();
  if (state.me) params.set('as', state.me.id);
  if (state.chatId !== undefined) params.set('chat', state.chatId);
  history.replaceState(null, '', params.size ? `?${params}` : location.pathname);
}

const roleName = (role) => t(`role_${role}`);

async function showPeople() {
  state.events?.close();
  state.me = undefined;
  state.chatId = undefined;
  setUrl();
  useLanguage(pageLanguage());
  document.title = t('sandbox');
  $('new-persona').locale.value = language();
  const { personas } = await api('/api/personas');
  $('persona-list').replaceChildren(
    ...personas.map((p) =>
      el(
        'li',
        {},
        el(
          'button',
          { class: 'row persona', onclick: () => choosePersona(p.id) },
          el('span', { class: 'avatar' }, initial(p.name)),
          el('span', { class: 'row-text' }, el('b', {}, p.name), el('small', {}, describe(p))),
          el('span', { class: `badge role-${p.role}` }, roleName(p.role)),
        ),
      ),
    ),
  );
  show('people');
}

const initial = (name) => [...(name || '?')][0].toUpperCase();

async function choosePersona(id, chatId) {
  const data = await api(`/api/chats?as=${id}`);
  state.me = data.persona;
  state.chats = data.chats;
  state.centre = data.centre ?? state.centre;
  state.unread.clear();
  useLanguage(state.me.locale);
  showMe();
  setClock(data.clock);
  listen();
  renderChatList();
  const target = chatId !== undefined && state.chats.some((c) => c.id === chatId) ? chatId : wide() ? state.me.id : undefined;
  if (target !== undefined) await openChat(target);
  else {
    state.chatId = undefined;
    setUrl();
    show('chats');
  }
}

/** The persona's name and line in the sidebar, as the bot knows them now (refreshed with the chat list). */
function showMe() {
  $('me-name').textContent = state.me.name;
  $('me-role').textContent = describe(state.me);
  document.title = `${state.me.name} · ${t('sandbox')}`;
}

/** A chat's last message in the chat list, worded in the page's language. */
function previewText(c) {
  const p = c.preview;
  if (!p) return c.type === 'private' ? t('privateChat') : t('group');
  const what =
    p.kind === 'joined' || p.kind === 'left'
      ? t(p.kind, { name: p.name })
      : (p.text ?? (p.kind === 'document' ? p.name : p.kind === 'sticker' || p.kind === 'voice' ? t(p.kind) : p.kind ? t(p.kind) : ''));
  return `${p.from ? `${p.from}: ` : ''}${what}`;
}

function renderChatList() {
  $('chat-list').replaceChildren(
    ...state.chats.map((c) => {
      const unread = state.unread.get(c.id) ?? 0;
      return el(
        'li',
        {},
        el(
          'button',
          { class: `row chat-row${c.id === state.chatId ? ' active' : ''}`, onclick: () => act(() => openChat(c.id)) },
          el('span', { class: `avatar ${c.type === 'private' ? 'bot' : 'group'}` }, c.type === 'private' ? 'L' : initial(c.title)),
          el('span', { class: 'row-text' }, el('b', {}, c.title), el('small', { class: 'preview' }, previewText(c))),
          unread > 0 && el('span', { class: 'badge unread' }, String(unread)),
        ),
      );
    }),
  );
}

function setClock(clock) {
  if (!clock) return;
  state.clock = clock;
  $('clock').textContent = clockText(clock.now, clock.timeZone);
}

// ---- one chat ----

async function openChat(chatId) {
  const data = await api(`/api/chat?as=${state.me.id}&chat=${chatId}`);
  state.chatId = chatId;
  state.chat = data.chat;
  state.unread.delete(chatId);
  state.keyboardHidden = false;
  setUrl();
  $('chat-title').textContent = data.chat.title;
  $('chat-subtitle').textContent = data.chat.type === 'private' ? t('bot') : t('groupYouAre', { name: state.me.name });
  closePanel();
  $('messages').replaceChildren(...data.messages.flatMap((m, i) => withSeparator(m, i > 0 ? data.messages[i - 1] : undefined)));
  applyMeta(data);
  renderChatList();
  show('chat');
  scrollDown(true);
}

/** The parts of a chat that change with the bot's messages: the reply keyboard, the menu, START. */
function applyMeta(data) {
  state.keyboard = data.keyboard;
  state.commands = data.commands;
  const empty = $('messages').querySelector('[data-id]') === null;
  const unstarted = state.chat.type === 'private' && empty;
  $('start').hidden = !unstarted;
  $('composer').hidden = unstarted;
  state.menuButton = data.menuButton;
  renderMenuButton();
  renderKeyboard();
}

/**
 * Telegram's menu button: the Mini App the bot set for this chat (setChatMenuButton, e.g. the
 * staff dashboard), under the label the bot gave it; else the list of commands.
 */
function renderMenuButton() {
  const button = $('menu-button');
  const label = button.querySelector('span');
  const app = state.menuButton;
  if (app) {
    label.removeAttribute('data-i18n');
    button.removeAttribute('data-i18n-title');
    label.textContent = app.text;
    button.title = app.text;
  } else {
    label.dataset.i18n = 'menu';
    button.dataset.i18nTitle = 'commands';
    label.textContent = t('menu');
    button.title = t('commands');
  }
  button.setAttribute('aria-label', button.title);
  button.hidden = !app && state.commands.length === 0;
}

/** Opens a Mini App as Telegram does: its page with launch data signed for this persona. */
async function openWebApp(url) {
  // Opened right away (a popup after an await would be blocked), then sent to the signed address.
  const tab = window.open('about:blank', '_blank');
  const { url: signed } = await api('/api/webapp', { as: state.me.id, url });
  if (tab) tab.location.href = signed;
}

async function refreshMeta() {
  if (state.chatId === undefined) return;
  const data = await api(`/api/chat?as=${state.me.id}&chat=${state.chatId}`);
  if (data.chat.id === state.chatId) applyMeta(data);
}

// Like Telegram: a chat read to the bottom stays at the bottom as messages, photos and keyboards come and go.
let stickToBottom = true;
function scrollDown(force) {
  if (force) stickToBottom = true;
  if (stickToBottom) requestAnimationFrame(() => ($('messages').scrollTop = $('messages').scrollHeight));
}
let lastScrollTop = 0;
$('messages').addEventListener('scroll', () => {
  const box = $('messages');
  // Only the reader scrolling up unsticks; a keyboard shrinking the view does not.
  if (box.scrollHeight - box.scrollTop - box.clientHeight < 80) stickToBottom = true;
  else if (box.scrollTop < lastScrollTop) stickToBottom = false;
  lastScrollTop = box.scrollTop;
});
new ResizeObserver(() => scrollDown()).observe($('messages'));

// Message dates are the sandbox clock's (the emulator dates messages by it), shown in the community's time zone.
const timeZone = () => state.clock?.timeZone;
const timeOf = (date) => timeText(date * 1000, timeZone());

/** A date separator when `m` is the first message of its day (`previous`: the message before it, if any). */
function withSeparator(m, previous) {
  const day = dayKey(m.date * 1000, timeZone());
  const node = messageNode(m);
  if (previous && dayKey(previous.date * 1000, timeZone()) === day) return [node];
  return [el('div', { class: 'day', dataset: { day } }, el('span', {}, dayText(m.date * 1000, timeZone(), state.clock?.now))), node];
}
const fileUrl = (id, name) => `/api/file?id=${encodeURIComponent(id)}${name ? `&name=${encodeURIComponent(name)}` : ''}`;
const sizeText = (n) =>
  n === undefined ? '' : n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1048576).toFixed(1)} MB`;

function messageNode(m) {
  if (m.service)
    return el(
      'div',
      { class: 'service', dataset: { id: m.id, date: m.date } },
      m.service.joined !== undefined ? t('joined', { name: m.service.joined }) : t('left', { name: m.service.left }),
    );
  const mine = m.fromId === state.me.id;
  const showName = state.chat.type !== 'private' && !mine;
  const bubble = el(
    'div',
    { class: `bubble${m.photo && !m.text ? ' media-only' : ''}` },
    showName && el('div', { class: `sender${m.fromBot ? ' bot' : ''}` }, m.from),
    m.replyTo &&
      el(
        'div',
        { class: 'quote' },
        el('b', {}, m.replyTo.from),
        el('span', {}, m.replyTo.text ?? (m.replyTo.photo ? `📷 ${t('photo')}` : '…')),
      ),
    m.photo &&
      el(
        'a',
        { href: fileUrl(m.photo), target: '_blank', class: 'photo' },
        el('img', { src: fileUrl(m.photo), alt: t('photo'), loading: 'lazy', onload: () => scrollDown() }),
      ),
    m.document &&
      el(
        'a',
        { class: 'document', href: fileUrl(m.document.fileId, m.document.name), download: m.document.name },
        el('span', { class: 'doc-icon' }, t('doc')),
        el('span', {}, el('b', {}, m.document.name), el('small', {}, `${sizeText(m.document.size)} · ${t('download')}`)),
      ),
    m.location &&
      el(
        'a',
        {
          class: 'location',
          target: '_blank',
          rel: 'noopener',
          href: `https://www.openstreetmap.org/?mlat=${m.location.latitude}&mlon=${m.location.longitude}#map=18/${m.location.latitude}/${m.location.longitude}`,
        },
        el('span', { class: 'pin' }),
        el(
          'span',
          {},
          el('b', {}, t('location')),
          el('small', {}, `${m.location.latitude.toFixed(5)}, ${m.location.longitude.toFixed(5)}`),
        ),
      ),
    m.contact &&
      el(
        'div',
        { class: 'contact' },
        el('span', { class: 'avatar small' }, initial(m.contact.name)),
        el('span', {}, el('b', {}, m.contact.name), el('small', {}, m.contact.phone)),
      ),
    m.other && el('div', { class: 'other' }, t(m.other)),
    m.text !== undefined && el('div', { class: 'text' }, renderText(m.text, m.entities)),
    el(
      'div',
      { class: 'meta' },
      m.edited && el('span', { class: 'edited' }, `${t('edited')} `),
      el('time', { dateTime: new Date(m.date * 1000).toISOString() }, timeOf(m.date)),
    ),
  );
  const buttons =
    m.buttons &&
    el(
      'div',
      { class: 'inline-keyboard' },
      ...m.buttons.map((row) =>
        el(
          'div',
          { class: 'inline-row' },
          ...row.map((b) => el('button', { class: `inline${b.url || b.webApp ? ' url' : ''}`, onclick: () => pressInline(m, b) }, b.text)),
        ),
      ),
    );
  return el('div', { class: `msg ${mine ? 'out' : 'in'}`, dataset: { id: m.id, date: m.date } }, bubble, buttons);
}

function upsert(m) {
  const box = $('messages');
  const node = messageNode(m);
  const existing = box.querySelector(`[data-id="${m.id}"]`);
  if (existing) existing.replaceWith(node);
  else {
    const last = [...box.querySelectorAll('[data-id]')].at(-1);
    const previous = last && { date: Number(last.dataset.date) };
    box.append(...withSeparator(m, previous).slice(0, -1), node);
    scrollDown(m.fromId === state.me.id);
  }
}

// ---- acting ----

const inChat = (body) => ({ as: state.me.id, chat: state.chatId, ...body });

async function sendText(text) {
  if (!text.trim()) return;
  await act(() => api('/api/send', inChat({ text })));
}

async function pressInline(m, button) {
  if (button.url) return window.open(button.url, '_blank', 'noopener');
  if (button.webApp) return act(() => openWebApp(button.webApp));
  if (button.data === undefined) return toast(t('deadButton'));
  await act(async () => {
    const { answer } = await api('/api/press', inChat({ messageId: m.id, data: button.data }));
    if (answer?.text) answer.show_alert ? alert(answer.text) : toast(answer.text);
  });
}

function renderKeyboard() {
  const box = $('reply-keyboard');
  const k = state.keyboard;
  $('keyboard-button').hidden = !k || !state.keyboardHidden;
  if (!k || state.keyboardHidden) {
    box.hidden = true;
    return;
  }
  box.replaceChildren(
    ...k.rows.map((row) =>
      el('div', { class: 'key-row' }, ...row.map((key) => el('button', { class: 'key', onclick: () => pressKey(key) }, key.text))),
    ),
  );
  box.hidden = false;
  $('input').placeholder = k.placeholder ?? t('message');
}

async function pressKey(key) {
  if (state.keyboard?.oneTime) {
    state.keyboardHidden = true;
    renderKeyboard();
  }
  if (key.request_location) return openLocationPanel();
  if (key.request_contact) return openContactPanel();
  await sendText(key.text);
}

function closePanel() {
  $('panel').hidden = true;
  $('panel').replaceChildren();
}

function openPanel(title, ...content) {
  const panel = $('panel');
  panel.replaceChildren(
    el(
      'div',
      { class: 'panel-head' },
      el('b', {}, title),
      el('button', { type: 'button', class: 'icon close', title: t('close'), 'aria-label': t('close'), onclick: closePanel }, '×'),
    ),
    ...content,
  );
  panel.hidden = false;
}

function openCommands() {
  openPanel(
    t('commands'),
    el(
      'ul',
      { class: 'commands' },
      ...state.commands.map((c) =>
        el(
          'li',
          {},
          el(
            'button',
            {
              type: 'button',
              class: 'row',
              onclick: () => {
                closePanel();
                sendText(`/${c.command}`);
              },
            },
            el('b', {}, `/${c.command}`),
            el('small', {}, c.description),
          ),
        ),
      ),
    ),
  );
}

function openAttach() {
  const item = (label, hint, onclick) =>
    el('button', { type: 'button', class: 'row attach-item', onclick }, el('b', {}, label), el('small', {}, hint));
  openPanel(
    t('send'),
    item(t('photo'), t('attachPhotoHint'), () => $('photo-file').click()),
    item(t('location'), t('attachLocationHint'), openLocationPanel),
    item(t('contact'), t('attachContactHint'), openContactPanel),
    item(t('document'), t('attachDocumentHint'), () => $('document-file').click()),
  );
}

function openLocationPanel() {
  const form = el(
    'form',
    {
      class: 'fields',
      onsubmit: (ev) => {
        ev.preventDefault();
        const latitude = Number(form.latitude.value);
        const longitude = Number(form.longitude.value);
        closePanel();
        act(() => api('/api/send', inChat({ location: { latitude, longitude } })));
      },
    },
    el(
      'label',
      {},
      t('latitude'),
      el('input', {
        name: 'latitude',
        type: 'number',
        step: 'any',
        min: -90,
        max: 90,
        required: true,
        value: String(state.centre.latitude),
      }),
    ),
    el(
      'label',
      {},
      t('longitude'),
      el('input', {
        name: 'longitude',
        type: 'number',
        step: 'any',
        min: -180,
        max: 180,
        required: true,
        value: String(state.centre.longitude),
      }),
    ),
    el('button', { type: 'submit', class: 'primary' }, t('sendLocation')),
  );
  openPanel(t('locationTitle'), form);
}

function openContactPanel() {
  const form = el(
    'form',
    {
      class: 'fields',
      onsubmit: (ev) => {
        ev.preventDefault();
        const phone = form.phone.value.trim();
        closePanel();
        act(() => api('/api/send', inChat({ contact: phone })));
      },
    },
    el(
      'label',
      {},
      t('yourPhone'),
      el('input', { name: 'phone', type: 'tel', required: true, value: `+86138${String(state.me.id).padStart(8, '0')}` }),
    ),
    el('button', { type: 'submit', class: 'primary' }, t('shareContact')),
  );
  openPanel(t('shareContactTitle'), form);
}

function readFileBase64(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(',')[1] ?? '');
    reader.onerror = () => reject(new Error(t('cannotRead')));
    reader.readAsDataURL(file);
  });
}

async function sendFile(input, kind) {
  const file = input.files?.[0];
  input.value = '';
  if (!file) return;
  closePanel();
  const caption = $('input').value;
  $('input').value = '';
  await act(async () => {
    const data = await readFileBase64(file);
    await api(
      '/api/send',
      inChat(
        kind === 'photo' ? { photo: data, caption } : { document: data, fileName: file.name, mimeType: file.type || undefined, caption },
      ),
    );
  });
}

// ---- live changes ----

function listen() {
  state.events?.close();
  const events = new EventSource(`/api/events?as=${state.me.id}`);
  state.events = events;
  events.onmessage = (ev) => {
    const e = JSON.parse(ev.data);
    if (e.type === 'clock' || e.type === 'hello') return setClock(e.clock);
    if (e.type === 'chats') return refreshChatsSoon();
    if (e.type === 'menu') return (e.chatId ?? state.chatId) === state.chatId && !$('chat').hidden && act(refreshMeta);
    // Every change may change a chat's preview, and what the bot knows of the persona (registered now?).
    refreshChatsSoon();
    if (e.chatId !== state.chatId || $('chat').hidden) {
      if (e.type === 'message' && e.message.fromId !== state.me.id) state.unread.set(e.chatId, (state.unread.get(e.chatId) ?? 0) + 1);
      return;
    }
    if (e.type === 'message' || e.type === 'edit') upsert(e.message);
    if (e.type === 'delete') $('messages').querySelector(`[data-id="${e.messageId}"]`)?.remove();
    if (e.type === 'message' && e.message.fromBot) act(refreshMeta);
    if (e.type === 'message' && !$('start').hidden) act(refreshMeta);
  };
}

async function refreshChats() {
  const me = state.me;
  const data = await api(`/api/chats?as=${me.id}`);
  if (state.me !== me) return;
  state.me = data.persona;
  state.chats = data.chats;
  showMe();
  renderChatList();
}

// A burst of messages (a card and its album, a flow's steps) refreshes the list once.
let refreshTimer;
function refreshChatsSoon() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => state.me && act(refreshChats), 150);
}

/** The first screen's language: the one picked there (this visit or before), else the browser's. */
let pickedLanguage;
function pageLanguage() {
  if (pickedLanguage) return pickedLanguage;
  try {
    return localStorage.getItem(LANGUAGE_KEY) ?? browserLanguage();
  } catch {
    return browserLanguage();
  }
}

// ---- wiring ----

$('new-persona').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const form = ev.currentTarget;
  act(async () => {
    const { persona } = await api('/api/personas', { name: form.name.value, locale: form.locale.value });
    await choosePersona(persona.id, persona.id);
  });
});
$('switch-persona').addEventListener('click', () => act(showPeople));
$('page-language').addEventListener('change', (ev) => {
  pickedLanguage = ev.currentTarget.value;
  try {
    localStorage.setItem(LANGUAGE_KEY, ev.currentTarget.value);
  } catch {
    // No storage (a private window): the choice lasts this visit.
  }
  act(showPeople);
});
$('back').addEventListener('click', () => {
  state.chatId = undefined;
  setUrl();
  renderChatList();
  show('chats');
});
$('start').addEventListener('click', () => sendText('/start'));
$('composer').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const input = $('input');
  const text = input.value;
  input.value = '';
  sendText(text);
});
$('input').addEventListener('keydown', (ev) => {
  if (ev.key === 'Enter' && !ev.shiftKey) {
    ev.preventDefault();
    $('composer').requestSubmit();
  }
});
$('menu-button').addEventListener('click', () => {
  if (state.menuButton) return act(() => openWebApp(state.menuButton.webApp));
  $('panel').hidden ? openCommands() : closePanel();
});
$('attach-button').addEventListener('click', () => ($('panel').hidden ? openAttach() : closePanel()));
$('keyboard-button').addEventListener('click', () => {
  state.keyboardHidden = false;
  renderKeyboard();
});
$('photo-file').addEventListener('change', (ev) => sendFile(ev.currentTarget, 'photo'));
$('document-file').addEventListener('change', (ev) => sendFile(ev.currentTarget, 'document'));
for (const button of document.querySelectorAll('[data-hours]')) {
  button.addEventListener('click', () =>
    act(async () => {
      button.disabled = true;
      try {
        const { clock, ran } = await api('/api/time', { hours: Number(button.dataset.hours) });
        setClock(clock);
        const jobs = ran.length === 0 ? t('noJob') : ran.length === 1 ? t('oneJob') : t('manyJobs', { n: ran.length });
        toast(t('timeMoved', { time: clockText(clock.now, clock.timeZone), jobs }));
        console.info('sandbox jobs run:', ran.join(', '));
      } finally {
        button.disabled = false;
      }
    }),
  );
}

useLanguage(pageLanguage());
const params = new URLSearchParams(location.search);
if (params.has('as'))
  act(() => choosePersona(Number(params.get('as')), params.has('chat') ? Number(params.get('chat')) : undefined)).then(
    () => state.me || showPeople(),
  );
else act(showPeople);
