import type { BotContext } from './context';

/** The words after a command: "/r R-1042" → "R-1042" ('' when there are none). */
export const commandText = (ctx: BotContext): string => ('payload' in ctx ? String(ctx.payload ?? '') : '').trim();
