import type { SessionData } from '../../bot/context';
import type { Flow } from '../../bot/flow';
import { promptKeyboard } from '../../bot/flow-engine';
import type { CoreDeps } from '../../deps';
import { enqueue, PRIORITY } from '../../delivery/outbox';
import type { Role } from '../../store/schema';
import type { ReportArgs } from '../../../flows/hazards/steps';

/**
 * "✅ Fixed" and "⬆️ Hand upward" pressed on the committee group's card continue in the staff
 * member's private chat. One press opens that step there at once: the private chat's session
 * (keyed `${chat.id}:${from.id}` in src/bot/index.ts; a private chat's id is the person's) gets
 * the flow's state, and the flow's first question goes out through the outbox, so the next thing
 * they type there answers it. The flow engine only runs flows in the chat of the update, hence
 * this small bridge; the question's buttons are the engine's own (promptKeyboard).
 */

export type PrivateStepDeps = Pick<CoreDeps, 'sessions' | 'users' | 'i18n' | 'db' | 'clock' | 'sender'>;

/** What the press did: opened the step, found it already open there, or the person is busy with another flow there. */
export type PrivateStep = 'opened' | 'waiting' | 'busy';

const privateSessionKey = (userId: number) => `${userId}:${userId}`;

/**
 * Opens a report's flow in the staff member's private chat, unless it is open there already for
 * this report (a second press starts no second prompt) or another flow is under way there (it is
 * not thrown away: the caller offers the step's button instead).
 */
export async function openPrivateStep<S extends { id: number }, A extends ReportArgs = ReportArgs>(
  deps: PrivateStepDeps,
  who: { userId: number; role: Role; updateId: number },
  flow: Flow<S, A>,
  args: A,
): Promise<PrivateStep> {
  const key = privateSessionKey(who.userId);
  const session = ((await deps.sessions.get(key)) as SessionData | undefined) ?? {};
  const open = session.flow;
  if (open?.id === flow.id && open.data.id === args.reportId) return 'waiting';
  if (open) return 'busy';
  const user = await deps.users.find(who.userId);
  if (!user) return 'busy';
  const locale = deps.users.localeOfUser(user);
  const t = deps.i18n.translator(locale);
  const now = deps.clock.now();
  const base = { userId: who.userId, user, role: who.role, locale, t, now, updateId: who.updateId };
  const state = flow.initial(base, args);
  const step = typeof flow.first === 'function' ? flow.first(state) : flow.first;
  const prompt = await flow.steps[step].ask({ ...base, state });
  await deps.sessions.set(key, { ...session, flow: { id: flow.id, step, history: [], data: { ...state } } } satisfies SessionData);
  await enqueue(deps.db, now, {
    chatId: who.userId,
    text: prompt.text,
    keyboard: promptKeyboard({ id: flow.id, step, history: [] }, prompt, t),
    priority: PRIORITY.personal,
    ref: `report:${args.reportId}:private:${flow.id}:${who.userId}`,
  });
  deps.sender.poke();
  return 'opened';
}
