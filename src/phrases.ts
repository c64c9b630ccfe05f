import type { Translate } from './i18n';

/**
 * Small phrases every feature builds from its own words. Their punctuation and number words come
 * from locales/<locale>/common.json, so Chinese gets "：" and "小時", English gets "1 hour", never glued in code.
 */

/** "Status: open" / "状态：已受理". `name` is already translated (callers may compute it). */
export function label(t: Translate, name: string, value: string | number): string {
  return t('common.label', { label: name, value: String(value) });
}

/** ["A", "B"] → "A, B" / "A、B". */
export function list(t: Translate, items: readonly string[]): string {
  return items.join(t('common.list_separator'));
}

/** 90 → "1 hour 30 minutes" / "1小时30分钟"; a zero part is left out ("2 hours", "30 minutes"). */
export function duration(t: Translate, totalMinutes: number): string {
  const whole = Math.round(totalMinutes);
  const h = Math.floor(whole / 60);
  const m = whole % 60;
  if (h > 0 && m > 0) return t('common.duration_hours_minutes', { h, m });
  if (h > 0) return t('common.duration_hours', { h });
  return t('common.duration_minutes', { m });
}
