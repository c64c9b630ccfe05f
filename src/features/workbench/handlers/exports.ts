import { Input, type Composer } from 'telegraf';
import { onButton } from '../../../bot/buttons';
import type { BotContext } from '../../../bot/context';
import { atLeast, canStaff } from '../../../domain/roles';
import { escapeHtml, type Locale, type Translate } from '../../../i18n';
import { isoDate, wallClock } from '../../../zoned-time';
import { certificateButton } from '../buttons';
import { certificateFacts, volunteersWithHours, type CertificateFacts } from '../services/certificate';
import { sendPosters } from '../services/posters';
import { renderCertificate } from '../views/certificate';
import type { WorkbenchEnv } from './people';

/** Files staff and volunteers ask for in chat: the hours certificate and the stairwell posters. */

const hours = (minutes: number) => Math.round((minutes / 60) * 10) / 10;

function certificatePng(env: WorkbenchEnv, f: CertificateFacts, t: Translate, locale: Locale): Buffer {
  const { communities, config, clock } = env.deps;
  const community = communities.community(f.communityId)!.name[locale];
  const day = (at: number | null) => (at === null ? '—' : isoDate(wallClock(at, config.timezone)));
  const today = day(clock.now());
  return renderCertificate({
    title: t('workbench.cert_title'),
    serial: t('workbench.cert_serial', { serial: `${f.communityId.toUpperCase()}-${f.userId}-${today.replace(/-/g, '')}` }),
    body: [
      t('workbench.cert_body', {
        name: f.name,
        community,
        from: day(f.first),
        to: day(f.last),
        hours: hours(f.totalMinutes),
        tasks: f.tasks,
        shifts: f.shifts,
      }),
      t('workbench.cert_closing'),
    ],
    tableHeader: { label: t('workbench.cert_team'), value: t('workbench.cert_hours') },
    table: f.byTeam.map((b) => ({
      label: b.teamId ? (communities.team(f.communityId, b.teamId)?.name[locale] ?? b.teamId) : t('workbench.cert_no_team'),
      value: t('workbench.cert_hours_value', { hours: hours(b.minutes) }),
    })),
    issuer: t('workbench.cert_issuer', { community }),
    seal: t('workbench.cert_seal'),
    date: t('workbench.cert_date', { date: today }),
  });
}

async function replyCertificate(env: WorkbenchEnv, ctx: BotContext, userId: number, communityId: string) {
  const facts = await certificateFacts(env.deps.db, env.deps.communities, userId, communityId);
  if (!facts || facts.totalMinutes === 0) return ctx.reply(ctx.t('workbench.cert_none'));
  const png = certificatePng(env, facts, ctx.t, ctx.locale);
  return ctx.replyWithDocument(Input.fromBuffer(png, `certificate-${communityId}-${userId}.png`), {
    caption: ctx.t('workbench.cert_caption', { name: escapeHtml(facts.name), hours: hours(facts.totalMinutes) }),
    parse_mode: 'HTML',
  });
}

/** /certificate: a volunteer gets their own; staff choose one of their community's volunteers. */
export const certificateCommand = (env: WorkbenchEnv) => async (ctx: BotContext) => {
  const communityId = ctx.profile?.community_id;
  if (!communityId) return ctx.reply(ctx.t('summary.no_community'));
  if (!atLeast(ctx.role, 'staff')) return replyCertificate(env, ctx, ctx.from!.id, communityId);
  const people = await volunteersWithHours(env.deps.db, communityId);
  if (people.length === 0) return ctx.reply(ctx.t('workbench.cert_nobody'));
  return ctx.reply(ctx.t('workbench.cert_choose'), {
    reply_markup: {
      inline_keyboard: people.map((p) => [
        {
          text: `${p.name} · ${ctx.t('workbench.cert_hours_value', { hours: hours(p.minutes) })}`,
          callback_data: certificateButton.pack({ u: p.id }),
        },
      ]),
    },
  });
};

export function certificateButtons(composer: Composer<BotContext>, env: WorkbenchEnv): void {
  onButton(composer, {
    codec: certificateButton,
    minRole: 'staff',
    // The volunteer's own community decides who may: its staff (and admins), never another community's.
    load: async (p) => {
      const communityId = (await env.deps.users.find(p.u))?.community_id;
      return communityId ? { userId: p.u, communityId } : undefined;
    },
    may: (ctx, c) => canStaff(ctx.role, ctx.profile, c.communityId),
    run: async (ctx, c) => {
      await ctx.answerCbQuery();
      return replyCertificate(env, ctx, c.userId, c.communityId);
    },
  });
}

/** /posters: every building's QR poster of the staff member's community, as documents. */
export const postersCommand = (env: WorkbenchEnv) => async (ctx: BotContext) => {
  const communityId = ctx.profile?.community_id;
  if (!communityId || !canStaff(ctx.role, ctx.profile, communityId)) return ctx.reply(ctx.t('summary.no_community'));
  const buildings = env.deps.communities.community(communityId)?.buildings.length ?? 0;
  await ctx.reply(ctx.t('workbench.posters_coming', { n: buildings }));
  await sendPosters(env.deps, env.deps.clock.now(), { chatId: ctx.chat!.id, communityId });
};
