import type { InlineKeyboard } from '../delivery/outbox';
import type { Locale, Translate } from '../i18n';
import type { Role, User } from '../store/schema';

/**
 * A conversational flow is declared as steps: what to ask, how to read the answer, where to go
 * next. The engine (flow-engine.ts) turns updates into `Input`s, keeps the state in the
 * session store (so a flow survives a restart) and gives every step Back and Cancel.
 * Flow files (flows/) never see telegraf.
 */

export interface Choice {
  label: string;
  /** Short (it travels in callback_data): an id, a number, a keyword. */
  value: string;
}

export interface Prompt {
  /** HTML; escape any user text in it. */
  text: string;
  choices?: Choice[];
  /** Buttons per row (default 2, or 1 when labels are long). */
  columns?: number;
  /** Offer a "Skip" button that answers with { kind: 'skip' }. */
  skippable?: boolean;
  /** Also show Telegram's share-location or share-contact button. */
  request?: 'location' | 'contact';
  /** Attach a photo (file_id) to the prompt, e.g. a review with the resident's photo. */
  photo?: string;
}

export type Input =
  | { kind: 'text'; text: string }
  | { kind: 'choice'; value: string }
  | { kind: 'skip' }
  | { kind: 'photo'; fileId: string }
  | { kind: 'location'; latitude: number; longitude: number }
  | { kind: 'contact'; phone: string; userId?: number }
  /** Stickers, voice, video, documents...: no step accepts these; the engine explains. */
  | { kind: 'other' };

export type InputKind = Input['kind'];

export interface FlowContext<S> {
  userId: number;
  user: User;
  role: Role;
  locale: Locale;
  t: Translate;
  now: number;
  /** The flow's answers so far; steps change it in place. */
  state: S;
}

export interface Reply {
  text: string;
  keyboard?: InlineKeyboard;
  /** Show the main menu keyboard with this reply (e.g. after onboarding). */
  menu?: boolean;
}

export type Outcome =
  /** Go to another step (Back returns here). */
  | { next: string }
  /** The answer does not fit: say why (translated), keep the step and the state as they were. */
  | { retry: string }
  /** The flow is over: say this and forget the state. */
  | { finish: Reply };

export interface Step<S> {
  /** Which answers this step takes; anything else gets a polite "please answer with ...". */
  accepts: InputKind[];
  ask(c: FlowContext<S>): Prompt | Promise<Prompt>;
  answer(input: Input, c: FlowContext<S>): Outcome | Promise<Outcome>;
}

export interface Flow<S> {
  /** Short, travels in callback_data. */
  id: string;
  /** The first step; may depend on the initial state (e.g. a deep link already gave the answer). */
  first: string | ((state: S) => string);
  /** The state a flow starts with; `args` come from whoever started it (a deep link, a button). */
  initial(c: Omit<FlowContext<S>, 'state'>, args: Record<string, string>): S;
  steps: Record<string, Step<S>>;
}

export function defineFlow<S>(flow: Flow<S>): Flow<S> {
  for (const [name, step] of Object.entries(flow.steps)) {
    if (name.length > 16 || name.includes('|')) throw new Error(`flow ${flow.id}: step name "${name}" too long`);
    if (step.accepts.length === 0) throw new Error(`flow ${flow.id}: step ${name} accepts nothing`);
  }
  if (typeof flow.first === 'string' && !flow.steps[flow.first]) throw new Error(`flow ${flow.id}: first step ${flow.first} missing`);
  return flow;
}

/** Reads a choice, checking it is one of the offered values (a forged press is refused). */
export function chosen(input: Input, allowed: readonly string[]): string | undefined {
  return input.kind === 'choice' && allowed.includes(input.value) ? input.value : undefined;
}

/** Common text checks for free-text answers. */
export function textAnswer(
  input: Input,
  opts: { min?: number; max: number },
): { ok: true; text: string } | { ok: false; reason: 'too_short' | 'too_long' } {
  const text = input.kind === 'text' ? input.text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '').trim() : '';
  if (text.length < (opts.min ?? 1)) return { ok: false, reason: 'too_short' };
  if (text.length > opts.max) return { ok: false, reason: 'too_long' };
  return { ok: true, text };
}

/** The polite retry for a free-text answer that textAnswer refused. */
export function textRetry(t: Translate, reason: 'too_short' | 'too_long', max: number): { retry: string } {
  return { retry: reason === 'too_long' ? t('common.too_long', { max }) : t('common.too_short') };
}
