import type { InlineButton, InlineKeyboard } from '../delivery/outbox';
import type { Translate } from '../i18n';
import type { Role } from '../store/schema';
import { atLeast, rank } from '../domain/roles';
import type { CommandSpec } from './feature';

/** Keyboards are built here from data and the translation function, never written inline. */

export function grid(buttons: InlineButton[], columns: number): InlineKeyboard {
  const rows: InlineKeyboard = [];
  for (let i = 0; i < buttons.length; i += columns) rows.push(buttons.slice(i, i + columns));
  return rows;
}

/** Two columns for short labels, one for long ones (so Chinese and English both stay readable). */
export function autoColumns(labels: string[]): number {
  const longest = Math.max(0, ...labels.map((l) => [...l].length));
  return longest > 14 ? 1 : 2;
}

export interface ReplyKeyboard {
  keyboard: { text: string }[][];
  resize_keyboard: true;
  is_persistent?: boolean;
}

/**
 * The main menu for a role: the commands that have a keyboard label and that role may use,
 * the role's own first (staff see /reports, /announce, /event and /summary at the top, above
 * what they can do as residents), each group in the features' order.
 */
export function mainMenu(commands: CommandSpec[], role: Role, t: Translate): ReplyKeyboard {
  const labels = commands
    .filter((c) => c.menuLabel && c.chat !== 'group' && atLeast(role, c.minRole))
    .map((c, i) => ({ c, i }))
    .sort((a, b) => rank(b.c.minRole) - rank(a.c.minRole) || a.i - b.i)
    .map(({ c }) => ({ text: t(c.menuLabel!) }));
  const rows: { text: string }[][] = [];
  for (let i = 0; i < labels.length; i += 2) rows.push(labels.slice(i, i + 2));
  return { keyboard: rows, resize_keyboard: true, is_persistent: true };
}
