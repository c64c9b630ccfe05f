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
  /** Attach a picture (src/delivery/media.ts) to the prompt, e.g. a review with the resident's photo. */
  photo?: string;
  /**
   * The text shows something exactly as others will see it (a notice's preview): it is sent as
   * a message of its own, never written over the question just answered with a ✓ line on top.
   */
  exact?: boolean;
}

export type Input =
  | { kind: 'text'; text: string }
  | { kind: 'choice'; value: string }
  | { kind: 'skip' }
  /** fileId is a picture reference (src/delivery/media.ts): a photo, or an image sent as a file. */
  | { kind: 'photo'; fileId: string }
  /** A voice note: older residents often speak rather than type. */
  | { kind: 'voice'; fileId: string; seconds: number }
  | { kind: 'location'; latitude: number; longitude: number }
  | { kind: 'contact'; phone: string; userId?: number }
  /** Stickers, video, other files...: no step accepts these; the engine explains. */
  | { kind: 'other' };

export type InputKind = Input['kind'];

export interface FlowContext<S> {
  userId: number;
  user: User;
  role: Role;
  locale: Locale;
  t: Translate;
  now: number;
  /** The Telegram update being handled: what must happen once per update (a broadcast) records it. */
  updateId: number;
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

/** What a flow is started with; flows that need nothing take no arguments. */
export type NoArgs = Record<string, never>;

export interface Flow<S, A extends object = NoArgs> {
  /** Short, travels in callback_data. */
  id: string;
  /** The first step; may depend on the initial state (e.g. a deep link already gave the answer). */
  first: string | ((state: S) => string);
  /** The state a flow starts with; `args` come from whoever started it (a deep link, a button). */
  initial(c: Omit<FlowContext<S>, 'state'>, args: A): S;
  steps: Record<string, Step<S>>;
}

export function defineFlow<S, A extends object = NoArgs>(flow: Flow<S, A>): Flow<S, A> {
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

/** A step answered by one of its buttons; a press of anything else is refused politely. */
export function choiceStep<S>(spec: {
  ask: (c: FlowContext<S>) => Prompt | Promise<Prompt>;
  then: (value: string, c: FlowContext<S>) => Outcome | Promise<Outcome>;
}): Step<S> {
  return {
    accepts: ['choice'],
    ask: spec.ask,
    async answer(input, c) {
      // The offered values are the prompt's own, so the step cannot accept what it never showed.
      const offered = ((await spec.ask(c)).choices ?? []).map((ch) => ch.value);
      const value = chosen(input, offered);
      return value === undefined ? { retry: c.t('common.pick_a_button') } : spec.then(value, c);
    },
  };
}

/** A step answered by free text of bounded length (and Skip, when the prompt offers it). */
export function textStep<S>(spec: {
  ask: (c: FlowContext<S>) => Prompt | Promise<Prompt>;
  max: number;
  min?: number;
  then: (text: string | undefined, c: FlowContext<S>) => Outcome | Promise<Outcome>;
}): Step<S> {
  return {
    accepts: ['text', 'skip'],
    ask: spec.ask,
    async answer(input, c) {
      // A Skip press on a step that offers no Skip is forged (or from an old message).
      if (input.kind === 'skip') return (await spec.ask(c)).skippable ? spec.then(undefined, c) : { retry: c.t('common.expect_text') };
      const a = textAnswer(input, { min: spec.min, max: spec.max });
      return a.ok ? spec.then(a.text, c) : textRetry(c.t, a.reason, spec.max);
    },
  };
}

/** A bounded text step without Skip: its answer is always a text (textStep refuses a Skip its prompt never offered). */
export function requiredTextStep<S>(spec: {
  ask: (c: FlowContext<S>) => Prompt | Promise<Prompt>;
  max: number;
  min?: number;
  then: (text: string, c: FlowContext<S>) => Outcome | Promise<Outcome>;
}): Step<S> {
  return textStep({ ...spec, then: (text, c) => (text === undefined ? { retry: c.t('common.expect_text') } : spec.then(text, c)) });
}
