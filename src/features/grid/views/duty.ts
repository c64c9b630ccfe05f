import { PERIODS, WEEKDAYS, type DutyPeriod, type Slot } from '../../../domain/duty';
import type { InlineKeyboard } from '../../../delivery/outbox';
import { escapeHtml, type Translate } from '../../../i18n';
import { label } from '../../../phrases';
import { answerHandoverButton, handSlotButton, offerSlotButton, takeSlotButton } from '../buttons';

/** /duty: the week's rota, who is on duty now, and a button per slot (take it, or hand mine over). */

export interface RotaPage {
  slots: { weekday: number; period: DutyPeriod; user_id: number }[];
  names: Map<number, string>;
  me: number;
  now: Slot;
}

const slotName = (t: Translate, s: Slot) => `${t(`grid.weekday_${s.weekday}`)} ${t(`grid.period_${s.period}`)}`;

export function rotaView(r: RotaPage, t: Translate): { text: string; keyboard: InlineKeyboard } {
  const holder = (s: Slot) => r.slots.find((x) => x.weekday === s.weekday && x.period === s.period);
  const lines: string[] = [t('grid.rota_title')];
  const keyboard: InlineKeyboard = [];
  for (const weekday of WEEKDAYS) {
    const row = [];
    for (const period of PERIODS) {
      const s = { weekday, period };
      const h = holder(s);
      const name = h ? escapeHtml(r.names.get(Number(h.user_id)) ?? '?') : t('grid.nobody');
      const current = r.now.weekday === weekday && r.now.period === period ? ' ⬅️' : '';
      lines.push(`${label(t, slotName(t, s), name)}${current}`);
      if (!h) row.push({ text: `➕ ${slotName(t, s)}`, callback_data: takeSlotButton.pack({ d: weekday, p: period }) });
      else if (Number(h.user_id) === r.me)
        row.push({ text: `🔁 ${slotName(t, s)}`, callback_data: handSlotButton.pack({ d: weekday, p: period }) });
    }
    if (row.length) keyboard.push(row);
  }
  const onDuty = holder(r.now);
  lines.push('', t('grid.on_duty_now', { name: onDuty ? escapeHtml(r.names.get(Number(onDuty.user_id)) ?? '?') : t('grid.nobody') }));
  return { text: lines.join('\n'), keyboard };
}

/** Whom to hand the slot to: the community's other staff. */
export function colleaguesKeyboard(slot: Slot, colleagues: { id: number; first_name: string }[]): InlineKeyboard {
  return colleagues.map((c) => [
    { text: c.first_name, callback_data: offerSlotButton.pack({ d: slot.weekday, p: slot.period, to: c.id }) },
  ]);
}

/** The colleague's question: take over this slot? */
export function handoverOffer(t: Translate, h: { id: number; slot: Slot; from: string }): { text: string; keyboard: InlineKeyboard } {
  return {
    text: t('grid.handover_offer', { from: escapeHtml(h.from), slot: slotName(t, h.slot) }),
    keyboard: [
      [
        { text: t('grid.accept'), callback_data: answerHandoverButton.pack({ h: h.id, yes: 'y' }) },
        { text: t('grid.decline'), callback_data: answerHandoverButton.pack({ h: h.id, yes: 'n' }) },
      ],
    ],
  };
}

export { slotName };
