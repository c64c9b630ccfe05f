import type { BotContext } from './context';

export const MAX_TEXT = 4096;

/** Splits a long HTML text at line breaks into messages Telegram accepts. */
export function splitText(text: string, max = MAX_TEXT): string[] {
  const parts: string[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    const candidate = current ? `${current}\n${line}` : line;
    if (candidate.length <= max) {
      current = candidate;
      continue;
    }
    if (current) parts.push(current);
    // A single line longer than a message is cut; our own lines never are, user text is bounded.
    current = line.length > max ? line.slice(0, max) : line;
  }
  if (current) parts.push(current);
  return parts;
}

export async function replyLong(ctx: BotContext, html: string): Promise<void> {
  for (const part of splitText(html)) await ctx.reply(part, { parse_mode: 'HTML' });
}
