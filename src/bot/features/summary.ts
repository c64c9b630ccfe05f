import { Composer, Input } from 'telegraf';
import { DAY } from '../../clock';
import { enqueue, PRIORITY, deliveredMessage } from '../../delivery/outbox';
import { ApiError } from '../../delivery/sender';
import { committeeChat, teamChat } from '../../domain/chat-links';
import { canStaff } from '../../domain/roles';
import {
  lastCompleteWeek,
  ledgerRows,
  monthlyTopVolunteers,
  weekFrom,
  weekOf,
  weeklySummary,
  weeksBefore,
  type Week,
} from '../../domain/summary';
import { escapeHtml, type Locale } from '../../i18n';
import { currentPeriod } from '../../jobs/cron-period';
import { addDays, wallClock, zonedEpoch } from '../../zoned-time';
import { renderChart } from '../../summary/chart';
import {
  chartFilename,
  chartInput,
  communityName,
  ledgerFilename,
  renderLedger,
  renderSummaryText,
  weekRange,
  type RenderContext,
} from '../../summary/render';
import { callbackCodec } from '../callback';
import type { BotContext } from '../context';
import type { Feature, JobSpec } from '../feature';
import { replyLong } from '../reply';

/**
 * The weekly summary: sent by a job to each community's committee group, and on demand to
 * staff with /summary. Also the monthly thank-you to each team's most active volunteers.
 *
 * Files: the outbox carries JSON payloads, and a chart or ledger is bytes that must be
 * uploaded as multipart. Rather than teach the shared sender about blobs, the job writes the
 * text to the outbox and the files to summary_files (same transaction), and a small sender
 * here uploads them with Input.fromBuffer once the text has been delivered, as replies to it
 * (so they arrive after it and stay attached to it). Two files a week per community do not
 * need the outbox's rate limiting; a claim (pending → sending) keeps two processes from both
 * uploading one.
 */

const weekButton = callbackCodec('sumw', { c: 'str', w: 'str' });
const earlierButton = callbackCodec('sume', { c: 'str' });
const communityButton = callbackCodec('sumc', { c: 'str' });
/** How far back /summary goes with buttons. */
const EARLIER_WEEKS = 6;
const FILE_ATTEMPTS = 5;

/** "20310303" <-> the week of that Monday: short enough for a button, never trusted blindly. */
const packWeek = (w: Week) => w.key.replace(/-/g, '');
function unpackWeek(value: string, timeZone: string, now: number): Week | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(value);
  if (!m) return undefined;
  const week = weekFrom({ year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) }, timeZone);
  const sane = week.key === `${m[1]}-${m[2]}-${m[3]}` && weekOf(week.start, timeZone).key === week.key;
  return sane && week.start <= now && week.start > now - 3 * 365 * DAY ? week : undefined;
}

export const summaryFeature: Feature = (deps) => {
  const { db, communities, config, clock, i18n } = deps;
  const timeZone = config.timezone;
  const composer = new Composer<BotContext>();
  const renderContext = (locale: Locale): RenderContext => ({ t: i18n.translator(locale), locale, communities, timeZone });

  async function build(communityId: string, week: Week, locale: Locale) {
    const rc = renderContext(locale);
    const summary = await weeklySummary(db, communities, communityId, week, timeZone);
    const { from, to } = weekRange(week);
    const community = escapeHtml(communityName(rc, communityId));
    return {
      text: renderSummaryText(summary, rc),
      chart: renderChart(chartInput(summary, rc)),
      chartCaption: rc.t('summary.chart_caption', { community, from, to }),
      ledger: renderLedger(communityId, await ledgerRows(db, communityId, week), rc),
      ledgerCaption: rc.t('summary.ledger_caption', { community, from, to }),
    };
  }

  /** Monday morning: last week's summary to every linked committee group, in the default language. */
  const weeklyJob: JobSpec = {
    name: 'summary.weekly',
    cron: config.summaryCron,
    async run(now) {
      // The week before the period's due time, so a run made up on Wednesday still reports
      // the week that ended before that Monday, not the one before the run.
      const due = currentPeriod(config.summaryCron, now, timeZone)?.dueAt ?? now;
      const week = lastCompleteWeek(due, timeZone);
      for (const community of communities.all) {
        const chatId = await committeeChat(db, community.id);
        if (chatId === undefined) continue;
        const ref = `summary:${community.id}:${week.key}`;
        if (await db.selectFrom('outbox').select('id').where('ref', '=', ref).executeTakeFirst()) continue; // sent already (a run by hand)
        const built = await build(community.id, week, config.defaultLocale);
        await db.transaction().execute(async (tx) => {
          await enqueue(tx, now, { chatId, text: built.text, priority: PRIORITY.group, ref });
          await tx
            .insertInto('summary_files')
            .values([
              {
                chat_id: chatId,
                kind: 'photo',
                filename: chartFilename(community.id, week),
                caption: built.chartCaption,
                bytes: built.chart,
                after_ref: ref,
                error: null,
                created_at: now,
                sent_at: null,
              },
              {
                chat_id: chatId,
                kind: 'document',
                filename: ledgerFilename(community.id, week),
                caption: built.ledgerCaption,
                bytes: built.ledger,
                after_ref: ref,
                error: null,
                created_at: now,
                sent_at: null,
              },
            ])
            .execute();
        });
      }
      deps.sender.poke();
    },
  };

  /** Uploads the summary files whose text has gone out. */
  const filesJob: JobSpec = {
    name: 'summary.files',
    cron: '* * * * *',
    async run(now) {
      const pending = await db.selectFrom('summary_files').selectAll().where('status', '=', 'pending').orderBy('id').limit(20).execute();
      for (const file of pending) {
        let replyTo: number | undefined;
        if (file.after_ref) {
          const text = await deliveredMessage(db, file.after_ref);
          if (!text) {
            const stillPending = await db
              .selectFrom('outbox')
              .select('id')
              .where('ref', '=', file.after_ref)
              .where('status', '=', 'pending')
              .executeTakeFirst();
            if (stillPending) continue; // the text goes first
          }
          replyTo = text?.messageId;
        }
        const claimed = await db
          .updateTable('summary_files')
          .set({ status: 'sending' })
          .where('id', '=', file.id)
          .where('status', '=', 'pending')
          .executeTakeFirst();
        if (Number(claimed.numUpdatedRows) === 0) continue;
        try {
          await deps.api(file.kind === 'photo' ? 'sendPhoto' : 'sendDocument', {
            chat_id: file.chat_id,
            [file.kind]: Input.fromBuffer(Buffer.from(file.bytes ?? []), file.filename),
            caption: file.caption,
            parse_mode: 'HTML',
            // As a JSON string: telegraf 4.16's multipart encoder drops object fields it does not know.
            ...(replyTo ? { reply_parameters: JSON.stringify({ message_id: replyTo, allow_sending_without_reply: true }) } : {}),
          });
          await db
            .updateTable('summary_files')
            .set({ status: 'sent', sent_at: now, bytes: null, attempts: file.attempts + 1, error: null })
            .where('id', '=', file.id)
            .execute();
        } catch (err) {
          const refused = err instanceof ApiError && err.code >= 400 && err.code < 500 && err.code !== 429;
          const failed = refused || file.attempts + 1 >= FILE_ATTEMPTS;
          deps.log.warn({ err, fileId: file.id }, 'uploading a summary file failed');
          await db
            .updateTable('summary_files')
            .set({
              status: failed ? 'failed' : 'pending',
              attempts: file.attempts + 1,
              error: (err as Error).message?.slice(0, 500) ?? String(err),
            })
            .where('id', '=', file.id)
            .execute();
        }
      }
    },
  };

  /** The first of the month: each team's group thanks its most active volunteers who agreed to be named. */
  const thanksJob: JobSpec = {
    name: 'summary.thanks',
    cron: '0 10 1 * *',
    async run(now) {
      const local = wallClock(now, timeZone);
      const thisMonth = { year: local.year, month: local.month, day: 1 };
      const lastMonth = addDays(thisMonth, -1);
      const from = zonedEpoch({ ...lastMonth, day: 1 }, timeZone);
      const to = zonedEpoch(thisMonth, timeZone);
      const locale = config.defaultLocale;
      const t = i18n.translator(locale);
      const hours = (minutes: number) => t('summary.hours_value', { n: Math.round((minutes / 60) * 10) / 10 });
      const month = new Intl.DateTimeFormat(locale, { timeZone, year: 'numeric', month: 'long' }).format(new Date(from));
      for (const community of communities.all) {
        for (const team of community.teams) {
          const chatId = await teamChat(db, community.id, team.id);
          if (chatId === undefined) continue;
          const result = await monthlyTopVolunteers(db, community.id, team.id, from, to);
          if (result.named.length === 0) continue;
          const names = result.named.map((v) => t('summary.thanks_line', { name: escapeHtml(v.name), hours: hours(v.minutes) })).join('\n');
          await enqueue(db, now, {
            chatId,
            text: t('summary.thanks', { team: escapeHtml(team.name[locale]), month, hours: hours(result.totalMinutes), names }),
            priority: PRIORITY.group,
            ref: `thanks:${community.id}:${team.id}:${from}`,
          });
        }
      }
      deps.sender.poke();
    },
  };

  // ---- /summary for staff, in the private chat ----

  /** The communities this person may see the summary of. */
  const allowedCommunities = (ctx: BotContext) => communities.all.filter((c) => canStaff(ctx.role, ctx.profile, c.id)).map((c) => c.id);

  const askWeek = async (ctx: BotContext, communityId: string) => {
    const now = clock.now();
    const thisWeek = weekOf(now, timeZone);
    await ctx.reply(ctx.t('summary.choose_week'), {
      reply_markup: {
        inline_keyboard: [
          [
            { text: ctx.t('summary.this_week'), callback_data: weekButton.pack({ c: communityId, w: packWeek(thisWeek) }) },
            {
              text: ctx.t('summary.last_week'),
              callback_data: weekButton.pack({ c: communityId, w: packWeek(weeksBefore(thisWeek, 1, timeZone)) }),
            },
          ],
          [{ text: ctx.t('summary.earlier_week'), callback_data: earlierButton.pack({ c: communityId }) }],
        ],
      },
    });
  };

  const summaryCommand = async (ctx: BotContext) => {
    const allowed = allowedCommunities(ctx);
    if (allowed.length === 0) return ctx.reply(ctx.t('summary.no_community'));
    const own = ctx.profile?.community_id;
    if (allowed.length === 1 || (own && allowed.includes(own))) return askWeek(ctx, own && allowed.includes(own) ? own : allowed[0]);
    return ctx.reply(ctx.t('summary.choose_community'), {
      reply_markup: {
        inline_keyboard: allowed.map((id) => [
          { text: communities.community(id)!.name[ctx.locale], callback_data: communityButton.pack({ c: id }) },
        ]),
      },
    });
  };

  const pressed = (ctx: BotContext) => (ctx.callbackQuery && 'data' in ctx.callbackQuery ? ctx.callbackQuery.data : '');
  /** A press is honoured only in the private chat, by someone who may still see that community. */
  const mayPress = (ctx: BotContext, communityId: string | undefined) =>
    ctx.chat?.type === 'private' &&
    communityId !== undefined &&
    Boolean(communities.community(communityId)) &&
    allowedCommunities(ctx).includes(communityId);

  composer.action(communityButton.pattern, async (ctx) => {
    const p = communityButton.unpack(pressed(ctx));
    if (!mayPress(ctx, p?.c)) return ctx.answerCbQuery(ctx.t(p ? 'common.not_allowed' : 'common.stale_button'));
    await ctx.answerCbQuery();
    await ctx.editMessageReplyMarkup(undefined).catch(() => undefined);
    return askWeek(ctx, p!.c);
  });

  composer.action(earlierButton.pattern, async (ctx) => {
    const p = earlierButton.unpack(pressed(ctx));
    if (!mayPress(ctx, p?.c)) return ctx.answerCbQuery(ctx.t(p ? 'common.not_allowed' : 'common.stale_button'));
    await ctx.answerCbQuery();
    const thisWeek = weekOf(clock.now(), timeZone);
    const weeks = Array.from({ length: EARLIER_WEEKS }, (_, i) => weeksBefore(thisWeek, i + 2, timeZone));
    const rows = [];
    for (let i = 0; i < weeks.length; i += 2) {
      rows.push(
        weeks.slice(i, i + 2).map((w) => ({
          text: ctx.t('summary.week_button', { date: w.key }),
          callback_data: weekButton.pack({ c: p!.c, w: packWeek(w) }),
        })),
      );
    }
    await ctx.editMessageReplyMarkup({ inline_keyboard: rows }).catch(() => undefined);
  });

  composer.action(weekButton.pattern, async (ctx) => {
    const p = weekButton.unpack(pressed(ctx));
    if (!mayPress(ctx, p?.c)) return ctx.answerCbQuery(ctx.t(p ? 'common.not_allowed' : 'common.stale_button'));
    const week = unpackWeek(p!.w, timeZone, clock.now());
    if (!week) return ctx.answerCbQuery(ctx.t('common.stale_button'));
    await ctx.answerCbQuery(ctx.t('summary.preparing'));
    await ctx.editMessageReplyMarkup(undefined).catch(() => undefined);
    const built = await build(p!.c, week, ctx.locale);
    await replyLong(ctx, built.text);
    await ctx.replyWithPhoto(Input.fromBuffer(built.chart, chartFilename(p!.c, week)), { caption: built.chartCaption, parse_mode: 'HTML' });
    await ctx.replyWithDocument(Input.fromBuffer(built.ledger, ledgerFilename(p!.c, week)), {
      caption: built.ledgerCaption,
      parse_mode: 'HTML',
    });
  });

  return {
    name: 'summary',
    composer,
    commands: [{ name: 'summary', minRole: 'staff', chat: 'private', description: 'summary.cmd_summary', run: summaryCommand }],
    jobs: [weeklyJob, filesJob, thanksJob],
  };
};
