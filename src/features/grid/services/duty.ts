import type { CoreDeps } from '../../../deps';
import { answerHandover, findHandover, offerSlot, rotaOf, slotAt, type HandoverResult, type Slot } from '../../../domain/duty';
import { enqueue, PRIORITY } from '../../../delivery/outbox';
import { escapeHtml } from '../../../i18n';
import { handoverOffer, slotName, type RotaPage } from '../views/duty';
import { namesOf } from './people';

/** The duty rota's changes and who hears about them (the colleague asked, the offerer told the answer). */

type DutyDeps = Pick<CoreDeps, 'db' | 'users' | 'i18n' | 'clock' | 'config' | 'sender'>;

export async function rotaPage(deps: DutyDeps, communityId: string, me: number): Promise<RotaPage> {
  const slots = await rotaOf(deps.db, communityId);
  const names = await namesOf(
    deps,
    slots.map((s) => Number(s.user_id)),
  );
  return { slots, names, me, now: slotAt(deps.clock.now(), deps.config.timezone) };
}

/** Offers my slot to a colleague: they are asked privately, with Accept and Decline. False if the slot is not mine. */
export async function offerHandover(
  deps: DutyDeps,
  communityId: string,
  slot: Slot,
  from: { id: number; name: string },
  toId: number,
): Promise<boolean> {
  const now = deps.clock.now();
  const offered = await deps.db.transaction().execute(async (tx) => {
    const id = await offerSlot(tx, now, communityId, slot, from.id, toId);
    if (!id) return false;
    const t = deps.i18n.translator(await deps.users.localeOf(toId, tx));
    const { text, keyboard } = handoverOffer(t, { id, slot, from: from.name });
    await enqueue(tx, now, { chatId: toId, text, keyboard, priority: PRIORITY.personal, ref: `duty:handover:${id}` });
    return true;
  });
  if (offered) deps.sender.poke();
  return offered;
}

/** The colleague's answer; the offerer hears it. */
export async function decideHandover(deps: DutyDeps, id: number, accept: boolean): Promise<HandoverResult> {
  const now = deps.clock.now();
  const result = await deps.db.transaction().execute(async (tx) => {
    const decided = await answerHandover(tx, now, id, accept);
    if (decided === 'gone') return decided;
    const h = (await findHandover(tx, id))!;
    const t = deps.i18n.translator(await deps.users.localeOf(Number(h.from_id), tx));
    const name = escapeHtml((await deps.users.find(Number(h.to_id), tx))?.first_name ?? '');
    await enqueue(tx, now, {
      chatId: Number(h.from_id),
      text: t(`grid.handover_${decided}`, { name, slot: slotName(t, { weekday: h.weekday, period: h.period }) }),
      priority: PRIORITY.personal,
      ref: `duty:handover:${id}:answer`,
    });
    return decided;
  });
  deps.sender.poke();
  return result;
}
