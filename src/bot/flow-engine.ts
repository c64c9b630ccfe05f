import { isDeepStrictEqual } from 'node:util';
import type { Composer } from 'telegraf';
import type { Message } from 'telegraf/types';
import type { Clock } from '../clock';
import { pictureRef, pictureSend } from '../delivery/media';
import type { InlineButton, InlineKeyboard } from '../delivery/outbox';
import { escapeHtml, type Translate } from '../i18n';
import { callbackCodec } from './callback';
import { FlatComposer } from './chain';
import type { BotContext, FlowSession } from './context';
import type { Flow, FlowContext, Input, NoArgs, Outcome, Prompt, Reply } from './flow';
import { autoColumns, grid, type ReplyKeyboard } from './keyboards';
import { pressAnswered } from './middleware/context';
import { callWithoutResult } from './middleware/webhook-answer';

/**
 * Runs the flows declared in flows/. The state lives in ctx.session (keyv), so a restart
 * in the middle of a flow loses nothing: the next answer continues where it was.
 */

/** Flow buttons: which flow and step they belong to, and the value. Back is "<", skip ">". */
export const flowButton = callbackCodec('f', { flow: 'str', step: 'str', value: 'str' });
const BACK = '<';
const SKIP = '>';
const CANCEL = 'x';

export class FlowEngine {
  private readonly flows = new Map<string, Flow<unknown, any>>();

  constructor(
    flows: Flow<any, any>[],
    private readonly mainMenu: (ctx: BotContext) => ReplyKeyboard,
    private readonly clock: Clock,
  ) {
    for (const f of flows) {
      if (this.flows.has(f.id)) throw new Error(`two flows named ${f.id}`);
      this.flows.set(f.id, f);
    }
  }

  active(ctx: BotContext): boolean {
    return Boolean(ctx.session?.flow && this.flows.has(ctx.session.flow.id));
  }

  /**
   * Starts a flow: `flows.start(ctx, fixFlow, { reportId })`; the arguments are the flow's own type. False for a second tap.
   * `heading` (HTML) goes above the first question, in the same message (a welcome, say).
   */
  async start<A extends object>(
    ctx: BotContext,
    flow: Flow<any, A>,
    ...args: NoArgs extends A ? [args?: A, opts?: { heading?: string }] : [args: A, opts?: { heading?: string }]
  ): Promise<boolean> {
    if (this.flows.get(flow.id) !== (flow as Flow<unknown, any>)) throw new Error(`flow ${flow.id} is not registered by any feature`);
    const base = this.baseContext(ctx);
    const state = flow.initial(base, (args[0] ?? {}) as A) as Record<string, unknown>;
    const open = ctx.session.flow;
    if (ctx.callbackQuery && open?.id === flow.id && open.history.length === 0 && isDeepStrictEqual(open.data, state)) {
      // A second tap of the button that started this flow: its first question is already there.
      if (!pressAnswered.has(ctx)) await ctx.answerCbQuery(ctx.t('common.already_done'));
      return false;
    }
    const first = typeof flow.first === 'function' ? flow.first(state) : flow.first;
    ctx.session.flow = { id: flow.id, step: first, history: [], data: state };
    if (ctx.callbackQuery && !pressAnswered.has(ctx)) await ctx.answerCbQuery();
    await this.ask(ctx, flow, ctx.session.flow, args[1]?.heading);
    return true;
  }

  /** /cancel: leave whatever flow is running. Answers whether there was one. */
  cancel(ctx: BotContext): boolean {
    const had = Boolean(ctx.session?.flow);
    if (ctx.session) delete ctx.session.flow;
    return had;
  }

  /** Handles answers (messages and flow buttons) while a flow is active. */
  middleware(): Composer<BotContext> {
    const c = new FlatComposer<BotContext>();
    c.action(flowButton.pattern, async (ctx) => {
      const data = 'data' in ctx.callbackQuery ? ctx.callbackQuery.data : '';
      const p = flowButton.unpack(data);
      const s = ctx.session?.flow;
      if (!p || !s || s.id !== p.flow || s.step !== p.step) {
        // A second tap of a button already acted on, or a button from an earlier question or a finished flow.
        await ctx.answerCbQuery(ctx.t(p && alreadyAnswered(ctx, p) ? 'common.already_done' : 'common.stale_button'));
        return;
      }
      await ctx.answerCbQuery();
      const flow = this.flows.get(s.id)!;
      if (p.value === CANCEL) {
        await this.clearButtons(ctx);
        this.cancel(ctx);
        await ctx.reply(ctx.t('common.cancelled'), { reply_markup: this.mainMenu(ctx) });
        return;
      }
      if (p.value === BACK) {
        const previous = s.history.pop();
        if (previous) s.step = previous;
        const prompt = await flow.steps[s.step].ask(this.context(ctx, s));
        await this.replyPrompt(ctx, s, prompt, { pressed: {} });
        return;
      }
      const input: Input = p.value === SKIP ? { kind: 'skip' } : { kind: 'choice', value: p.value };
      const answer = input.kind === 'choice' ? this.labelOf(ctx, p.value) : ctx.t('common.skip');
      await this.handle(ctx, flow, s, input, { pressed: { answer } });
    });
    c.on('message', async (ctx, next) => {
      const s = ctx.session?.flow;
      const album = 'media_group_id' in ctx.message ? ctx.message.media_group_id : undefined;
      // The rest of an album whose first part finished the flow: its answer is already held.
      if (!s && album && ctx.session?.done?.album === album) return;
      if (!s || ctx.chat.type !== 'private') return next();
      const flow = this.flows.get(s.id);
      if (!flow) {
        delete ctx.session.flow;
        return next();
      }
      const at = s.step;
      await this.takeButtonsAway(ctx, s);
      await this.handle(ctx, flow, s, toInput(ctx.message));
      // Remember which typed message answered which step, so editing it corrects that answer.
      if (ctx.session.flow === s && s.history.at(-1) === at && 'text' in ctx.message)
        s.answered = { messageId: ctx.message.message_id, step: at };
    });
    c.on('edited_message', async (ctx, next) => {
      const s = ctx.session?.flow;
      const flow = s && this.flows.get(s.id);
      if (!s || !flow || ctx.chat.type !== 'private') return next();
      const edited = ctx.editedMessage;
      if (s.answered?.messageId !== edited.message_id || s.history.at(-1) !== s.answered.step || !('text' in edited)) {
        // An older answer, or one that was not typed: the flow has moved on; say how to change it.
        await ctx.reply(ctx.t('common.edit_not_taken'));
        return;
      }
      // The answer to the step just before this one was corrected: take it again in its place.
      s.step = s.history.pop()!;
      await this.handle(ctx, flow, s, toInput(edited), { heading: ctx.t('common.edit_taken') });
    });
    return c;
  }

  /**
   * Takes one answer. `pressed`: it came from a button on the step's own message, which then
   * becomes the next question (one edit instead of an edit and a new message).
   */
  private async handle(
    ctx: BotContext,
    flow: Flow<unknown, any>,
    s: FlowSession,
    input: Input,
    opts: { heading?: string; pressed?: Pressed } = {},
  ): Promise<void> {
    const { heading, pressed } = opts;
    // A part of an album: the answer waits for the album's last part (src/bot/chat-queue.ts).
    const say = (send: () => Promise<void>) => (ctx.holdAnswer ? ctx.holdAnswer(send) : send());
    const step = flow.steps[s.step];
    if (!step) {
      // The flow changed shape since this session began (an upgrade): start it cleanly.
      delete ctx.session.flow;
      await ctx.reply(ctx.t('common.flow_restarted'), { reply_markup: this.mainMenu(ctx) });
      return;
    }
    if (!step.accepts.includes(input.kind)) {
      const note = this.albumNote(ctx, s, false);
      const prompt = await step.ask(this.context(ctx, s));
      // Photos beyond what a step takes get the album's one polite line, not "please send text".
      return say(() =>
        this.replyPrompt(ctx, s, prompt, {
          warning: note ? undefined : ctx.t(`common.expect_${step.accepts[0]}`),
          note,
          pressed: refused(pressed),
        }),
      );
    }
    // Steps change a copy: a refused answer leaves the stored state untouched.
    const c = this.context(ctx, { ...s, data: structuredClone(s.data) });
    const outcome: Outcome = await step.answer(input, c);
    const note = [heading, this.albumNote(ctx, s, !('retry' in outcome))].filter(Boolean).join('\n') || undefined;
    if ('retry' in outcome) {
      const prompt = await step.ask(this.context(ctx, s));
      return say(() => this.replyPrompt(ctx, s, prompt, { warning: outcome.retry, note, pressed: refused(pressed) }));
    }
    s.data = c.state as Record<string, unknown>;
    if ('next' in outcome) {
      if (!flow.steps[outcome.next]) throw new Error(`flow ${flow.id}: no step ${outcome.next}`);
      s.history.push(s.step);
      s.step = outcome.next;
      const prompt = await flow.steps[s.step].ask(this.context(ctx, s));
      return say(() => this.replyPrompt(ctx, s, prompt, { note, pressed }));
    }
    // The last answer: its question keeps the answer written under it; the reply brings the main menu back.
    if (pressed) await this.clearButtons(ctx, pressed.answer);
    delete ctx.session.flow;
    ctx.session.done = {
      flow: s.id,
      step: s.step,
      album: ctx.message && 'media_group_id' in ctx.message ? ctx.message.media_group_id : undefined,
    };
    const finish = s.requestKeyboard ? { menu: true, ...outcome.finish } : outcome.finish;
    return say(() => this.finish(ctx, finish));
  }

  /** Counts an album's parts taken and refused; the held answer says both in one line each. */
  private albumNote(ctx: BotContext, s: FlowSession, taken: boolean): string | undefined {
    const album = ctx.message && 'media_group_id' in ctx.message ? ctx.message.media_group_id : undefined;
    if (!album) return undefined;
    if (s.album?.id !== album) s.album = { id: album, taken: 0, refused: 0 };
    if (taken) s.album.taken++;
    else s.album.refused++;
    const lines = [];
    if (s.album.taken > 0) lines.push(ctx.t('common.album_taken', { n: s.album.taken }));
    if (s.album.refused > 0) lines.push(ctx.t('common.album_refused', { n: s.album.refused }));
    return lines.join('\n');
  }

  private async finish(ctx: BotContext, reply: Reply): Promise<void> {
    const markup = reply.keyboard ? { inline_keyboard: reply.keyboard } : this.mainMenu(ctx);
    await ctx.reply(reply.text, { parse_mode: 'HTML', reply_markup: markup, link_preview_options: { is_disabled: true } } as never);
    // An inline keyboard cannot carry the main menu too; restore it in a short second message.
    if (reply.keyboard && reply.menu) await ctx.reply(ctx.t('common.menu_hint'), { reply_markup: this.mainMenu(ctx) });
  }

  private async ask(ctx: BotContext, flow: Flow<unknown, any>, s: FlowSession, note?: string): Promise<void> {
    const prompt = await flow.steps[s.step].ask(this.context(ctx, s));
    await this.replyPrompt(ctx, s, prompt, { note });
  }

  private async replyPrompt(
    ctx: BotContext,
    s: FlowSession,
    prompt: Prompt,
    opts: { warning?: string; note?: string; pressed?: Pressed } = {},
  ): Promise<void> {
    const { warning, note, pressed } = opts;
    // After a share-location (or contact) hint the pressed question is not the chat's last message: the next one goes below.
    const belowHint = s.requestKeyboard === true;
    if (!prompt.request) await this.menuBack(ctx, s);
    const text = [note, warning && `⚠️ ${warning}`, prompt.text].filter(Boolean).join('\n\n');
    const extra = { parse_mode: 'HTML' as const, reply_markup: { inline_keyboard: promptKeyboard(s, prompt, ctx.t) } };
    const answered = pressed?.answer ? `✓ ${escapeHtml(pressed.answer)}\n\n` : '';
    const inPlace =
      pressed && !prompt.photo && !prompt.exact && !belowHint ? await this.editPressed(ctx, s, answered + text, extra) : undefined;
    if (inPlace !== undefined) s.prompt = inPlace;
    else {
      if (pressed) await this.clearButtons(ctx, pressed.answer);
      s.prompt = (await this.sendPrompt(ctx, prompt, text, extra)).message_id;
    }
    if (prompt.request) {
      const key = prompt.request === 'location' ? 'common.share_location' : 'common.share_contact';
      const requestButton =
        prompt.request === 'location' ? { text: ctx.t(key), request_location: true } : { text: ctx.t(key), request_contact: true };
      await ctx.reply(ctx.t(`${key}_hint`), {
        reply_markup: { keyboard: [[requestButton]], resize_keyboard: true, one_time_keyboard: true },
      });
      s.requestKeyboard = true;
    }
  }

  private sendPrompt(ctx: BotContext, prompt: Prompt, text: string, extra: PromptExtra): Promise<Message> {
    const picture = prompt.photo ? pictureSend(prompt.photo) : undefined;
    if (picture?.method === 'sendPhoto') return ctx.replyWithPhoto(picture.fileId, { caption: text.slice(0, 1024), ...extra });
    if (picture) return ctx.replyWithDocument(picture.fileId, { caption: text.slice(0, 1024), ...extra });
    return ctx.reply(text, extra);
  }

  /**
   * Turns the pressed message into the next question: its id, or undefined when it cannot be edited
   * (a photo, or not the flow's current question).
   */
  private async editPressed(ctx: BotContext, s: FlowSession, text: string, extra: PromptExtra): Promise<number | undefined> {
    const msg = ctx.callbackQuery?.message;
    if (!msg || !('text' in msg) || msg.message_id !== s.prompt) return undefined;
    try {
      await ctx.editMessageText(text, extra);
      return msg.message_id;
    } catch (err) {
      // Already the next question (a press handled again after a crash): nothing more to send.
      if (/message is not modified/.test(String((err as Error).message))) return msg.message_id;
      // Too old to edit, or deleted: the question goes out as a new message instead.
      ctx.log.debug({ err }, 'could not edit the pressed question into the next one');
      return undefined;
    }
  }

  /**
   * The step that asked for a location (or contact) is behind us: its reply keyboard would stay up
   * under a question that wants words, so the main menu takes its place (a prompt with inline
   * buttons cannot carry a reply keyboard too, hence a line of its own).
   */
  private async menuBack(ctx: BotContext, s: FlowSession): Promise<void> {
    if (!s.requestKeyboard) return;
    s.requestKeyboard = undefined;
    await ctx.reply(ctx.t('common.menu_hint'), { reply_markup: this.mainMenu(ctx) });
  }

  /** A question answered by typing, a photo or a location loses its buttons, so none is left to press later. */
  private async takeButtonsAway(ctx: BotContext, s: FlowSession): Promise<void> {
    if (s.prompt === undefined || !ctx.chat) return;
    const messageId = s.prompt;
    s.prompt = undefined;
    await callWithoutResult(ctx, 'editMessageReplyMarkup', { chat_id: ctx.chat.id, message_id: messageId }).catch((err) => {
      ctx.log.debug({ err }, 'could not take the buttons off an answered question');
    });
  }

  /** Removes the buttons of the question just answered, noting the answer under it. */
  private async clearButtons(ctx: BotContext, answer?: string): Promise<void> {
    const msg = ctx.callbackQuery?.message;
    if (!msg) return;
    try {
      if (answer && 'text' in msg && msg.text) {
        await ctx.editMessageText(`${escapeHtml(msg.text)}\n\n✓ ${escapeHtml(answer)}`, { parse_mode: 'HTML' });
      } else {
        await ctx.editMessageReplyMarkup(undefined);
      }
    } catch (err) {
      // Too old to edit, or already edited by a double press: the answer still counts.
      ctx.log.debug({ err }, 'could not clear flow buttons');
    }
  }

  private labelOf(ctx: BotContext, value: string): string {
    const msg = ctx.callbackQuery?.message;
    const rows = msg && 'reply_markup' in msg ? (msg.reply_markup?.inline_keyboard ?? []) : [];
    for (const row of rows)
      for (const b of row) if ('callback_data' in b && flowButton.unpack(b.callback_data)?.value === value) return b.text;
    return value;
  }

  private baseContext(ctx: BotContext): Omit<FlowContext<unknown>, 'state'> {
    return {
      userId: ctx.from!.id,
      user: ctx.profile!,
      role: ctx.role,
      locale: ctx.locale,
      t: ctx.t,
      now: this.clock.now(),
      updateId: ctx.update.update_id,
    };
  }

  private context(ctx: BotContext, s: FlowSession): FlowContext<any> {
    return { ...this.baseContext(ctx), state: s.data };
  }
}

/** A flow button's press: the label of the answer it gave (none for Back). */
interface Pressed {
  answer?: string;
}

/** A refused press: its question is asked again in place, without a ✓ for an answer that was not taken. */
const refused = (pressed?: Pressed): Pressed | undefined => pressed && {};

type PromptExtra = { parse_mode: 'HTML'; reply_markup: { inline_keyboard: InlineKeyboard } };

/** A step's buttons: its choices, Skip when it may be skipped, then Back (after the first step) and Cancel. */
export function promptKeyboard(s: Pick<FlowSession, 'id' | 'step' | 'history'>, prompt: Prompt, t: Translate): InlineKeyboard {
  const button = (label: string, value: string): InlineButton => ({
    text: label,
    callback_data: flowButton.pack({ flow: s.id, step: s.step, value }),
  });
  const choices = (prompt.choices ?? []).map((ch) => button(ch.label, ch.value));
  const rows = grid(choices, prompt.columns ?? autoColumns((prompt.choices ?? []).map((ch) => ch.label)));
  if (prompt.skippable) rows.push([button(t('common.skip'), SKIP)]);
  const nav = [button(t('common.cancel_button'), CANCEL)];
  if (s.history.length > 0) nav.unshift(button(t('common.back'), BACK));
  rows.push(nav);
  return rows;
}

/** Was this flow button's question answered already (a double tap), rather than never shown in this flow? */
function alreadyAnswered(ctx: BotContext, p: { flow: string; step: string }): boolean {
  const s = ctx.session?.flow;
  if (s?.id === p.flow) return s.history.includes(p.step);
  const done = ctx.session?.done;
  return done?.flow === p.flow && done.step === p.step;
}

/** What kind of answer a message is. A forwarded text is text; a picture sent as a file is a photo. */
export function toInput(message: Message): Input {
  if ('text' in message) return { kind: 'text', text: message.text };
  if ('photo' in message && message.photo.length > 0) return { kind: 'photo', fileId: message.photo[message.photo.length - 1].file_id };
  if ('document' in message && message.document.mime_type?.startsWith('image/'))
    return { kind: 'photo', fileId: pictureRef(message.document.file_id, true) };
  if ('voice' in message) return { kind: 'voice', fileId: message.voice.file_id, seconds: message.voice.duration };
  if ('location' in message) return { kind: 'location', latitude: message.location.latitude, longitude: message.location.longitude };
  if ('contact' in message) return { kind: 'contact', phone: message.contact.phone_number, userId: message.contact.user_id };
  return { kind: 'other' };
}
