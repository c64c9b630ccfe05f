// Telegram's parse_mode=HTML, as the server parses it (modelled on tdlib's parse_html): the text
// comes back without tags and with entities, or the call fails with "can't parse entities".
// Only &lt; &gt; &amp; &quot; and numeric references are decoded; any other `&` stays literal
// text, exactly as Telegram does, whereas any `<` must open or close a supported tag.

import type { MessageEntity } from './types';

export class EntityParseError extends Error {}

const ENTITY_OF_TAG: Record<string, string> = {
  b: 'bold',
  strong: 'bold',
  i: 'italic',
  em: 'italic',
  u: 'underline',
  ins: 'underline',
  s: 'strikethrough',
  strike: 'strikethrough',
  del: 'strikethrough',
  span: 'spoiler',
  'tg-spoiler': 'spoiler',
  a: 'text_link',
  code: 'code',
  pre: 'pre',
  blockquote: 'blockquote',
  'tg-emoji': 'custom_emoji',
};

const NAMED_REFERENCES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

interface OpenTag {
  tag: string;
  offset: number;
  attributes: Map<string, string>;
  /** Set on a <pre> by a <code class="language-x"> directly inside it. */
  language?: string;
}

const isSpace = (ch: string | undefined): boolean => ch !== undefined && /\s/.test(ch);

/** Decodes the character reference starting at `html[at] === '&'`, or returns undefined. */
function decodeReference(html: string, at: number): { text: string; end: number } | undefined {
  let end = at + 1;
  let text: string | undefined;
  if (html[end] === '#') {
    end++;
    const hex = html[end] === 'x' || html[end] === 'X';
    if (hex) end++;
    const start = end;
    while (end < html.length && (hex ? /[0-9a-f]/i : /[0-9]/).test(html[end]!)) end++;
    if (end === start) return undefined;
    const code = parseInt(html.slice(start, end), hex ? 16 : 10);
    if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return undefined;
    text = String.fromCodePoint(code);
  } else {
    while (end < html.length && /[a-z]/i.test(html[end]!)) end++;
    text = NAMED_REFERENCES[html.slice(at + 1, end)];
    if (text === undefined) return undefined;
  }
  // Like tdlib, the closing semicolon is optional.
  if (html[end] === ';') end++;
  return { text, end };
}

export function parseHtml(html: string): { text: string; entities: MessageEntity[] } {
  const byteOffset = (index: number): number => Buffer.byteLength(html.slice(0, index));
  const fail = (what: string): never => {
    throw new EntityParseError(what);
  };
  let text = '';
  const entities: MessageEntity[] = [];
  const open: OpenTag[] = [];
  let i = 0;

  while (i < html.length) {
    const ch = html[i]!;
    if (ch === '&') {
      const reference = decodeReference(html, i);
      if (reference) {
        text += reference.text;
        i = reference.end;
        continue;
      }
    }
    if (ch !== '<') {
      text += ch;
      i++;
      continue;
    }

    const tagStart = i;
    i++;
    if (html[i] !== '/') {
      while (i < html.length && !isSpace(html[i]) && html[i] !== '>') i++;
      if (i >= html.length) fail(`Unclosed start tag at byte offset ${byteOffset(tagStart)}`);
      const tag = html.slice(tagStart + 1, i).toLowerCase();
      if (!(tag in ENTITY_OF_TAG)) {
        fail(`Unsupported start tag "${tag}" at byte offset ${byteOffset(tagStart)}`);
      }
      const attributes = new Map<string, string>();
      while (html[i] !== '>') {
        while (isSpace(html[i])) i++;
        if (html[i] === '>') break;
        if (i >= html.length) fail(`Unclosed start tag at byte offset ${byteOffset(tagStart)}`);
        const nameStart = i;
        while (i < html.length && !isSpace(html[i]) && html[i] !== '=' && html[i] !== '>') i++;
        const name = html.slice(nameStart, i).toLowerCase();
        while (isSpace(html[i])) i++;
        if (html[i] !== '=') {
          if (tag === 'blockquote' && name === 'expandable') {
            attributes.set(name, '');
            continue;
          }
          fail(`Expected equal sign in declaration of an attribute of the tag "${tag}" at byte offset ${byteOffset(tagStart)}`);
        }
        i++;
        while (isSpace(html[i])) i++;
        let value = '';
        const quote = html[i];
        if (quote === '"' || quote === "'") {
          i++;
          while (i < html.length && html[i] !== quote) {
            const reference = html[i] === '&' ? decodeReference(html, i) : undefined;
            if (reference) {
              value += reference.text;
              i = reference.end;
            } else {
              value += html[i];
              i++;
            }
          }
          if (i >= html.length) fail(`Unclosed start tag at byte offset ${byteOffset(tagStart)}`);
          i++;
        } else {
          while (i < html.length && !isSpace(html[i]) && html[i] !== '>') value += html[i++];
        }
        if (i >= html.length) fail(`Unclosed start tag at byte offset ${byteOffset(tagStart)}`);
        attributes.set(name, value);
      }
      if (tag === 'span' && attributes.get('class') !== 'tg-spoiler') {
        fail(`Tag "span" must have class "tg-spoiler" at byte offset ${byteOffset(tagStart)}`);
      }
      i++;
      open.push({ tag, offset: text.length, attributes });
      continue;
    }

    // An end tag.
    if (open.length === 0) fail(`Unexpected end tag at byte offset ${byteOffset(tagStart)}`);
    i++;
    const nameStart = i;
    while (i < html.length && !isSpace(html[i]) && html[i] !== '>') i++;
    const endName = html.slice(nameStart, i).toLowerCase();
    while (isSpace(html[i])) i++;
    if (html[i] !== '>') fail(`Unclosed end tag at byte offset ${byteOffset(tagStart)}`);
    i++;
    const top = open.pop()!;
    if (endName !== '' && endName !== top.tag) {
      fail(`Unmatched end tag at byte offset ${byteOffset(tagStart)}, expected "</${top.tag}>", found "</${endName}>"`);
    }
    const entity = entityFor(top, open[open.length - 1], text.length);
    if (entity) entities.push(entity);
  }

  if (open.length > 0) {
    fail(`Can't find end tag corresponding to start tag "${open[open.length - 1]!.tag}"`);
  }
  entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { text, entities };
}

/** The entity a closed tag produces, or undefined when Telegram produces none. */
function entityFor(tag: OpenTag, parent: OpenTag | undefined, end: number): MessageEntity | undefined {
  const length = end - tag.offset;
  if (length === 0) return undefined;
  const base = { type: ENTITY_OF_TAG[tag.tag]!, offset: tag.offset, length };
  switch (tag.tag) {
    case 'a': {
      const href = tag.attributes.get('href');
      return href ? { ...base, url: href } : undefined;
    }
    case 'code': {
      // <pre><code class="language-x">…</code></pre> is one pre entity with a language.
      if (parent?.tag === 'pre') {
        const cls = tag.attributes.get('class');
        if (cls?.startsWith('language-')) parent.language = cls.slice('language-'.length);
        return undefined;
      }
      return base;
    }
    case 'pre':
      return tag.language ? { ...base, language: tag.language } : base;
    case 'blockquote':
      return tag.attributes.has('expandable') ? { ...base, type: 'expandable_blockquote' } : base;
    case 'tg-emoji':
      return { ...base, custom_emoji_id: tag.attributes.get('emoji-id') ?? '' };
    default:
      return base;
  }
}
