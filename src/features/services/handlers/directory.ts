import type { Composer } from 'telegraf';
import { onButton } from '../../../bot/buttons';
import type { BotContext } from '../../../bot/context';
import type { BotServices } from '../../../bot/services';
import { localName } from '../../../community/config';
import type { CoreDeps } from '../../../deps';
import { buildingContacts } from '../../../domain/grid';
import { canStaff } from '../../../domain/roles';
import { servicePoints } from '../../../domain/service-points';
import type { editPointFlow } from '../../../../flows/services/point';
import { editPointButton, pointButton } from '../buttons';
import { directoryKeyboard, directoryText, editKeyboard, pointDetail } from '../views/directory';

export interface ServicesEnv {
  deps: CoreDeps;
  bot: BotServices;
  edit: ReturnType<typeof editPointFlow>;
}

const pointsNow = (env: ServicesEnv, communityId: string) =>
  servicePoints(env.deps.db, env.deps.communities, communityId, env.deps.clock.now(), env.deps.config.timezone);

/** /services: the household's contact card (the committee's office, the building's grid worker and head), then the service points by kind, with "open now" in TIMEZONE. */
export async function showServices(env: ServicesEnv, ctx: BotContext) {
  const community = env.deps.communities.community(ctx.profile?.community_id ?? '');
  if (!community) return ctx.reply(ctx.t('common.start_first'));
  const points = await pointsNow(env, community.id);
  const building = ctx.profile?.building_id;
  const contacts = building ? await buildingContacts(env.deps.db, community.id, building) : [];
  return ctx.reply(directoryText(community, points, contacts, ctx.t, ctx.locale), {
    parse_mode: 'HTML',
    reply_markup: { inline_keyboard: directoryKeyboard(points, ctx.locale) },
  });
}

/** A point pressed: its venue on the map (when the config gives a location), then its details; staff get the edit buttons. */
export function onPoint(composer: Composer<BotContext>, env: ServicesEnv): void {
  onButton(composer, {
    codec: pointButton,
    load: async (p, ctx) => (await pointsNow(env, ctx.profile?.community_id ?? '')).find((x) => x.id === p.point),
    run: async (ctx, point) => {
      await ctx.answerCbQuery();
      const address = point.address ? localName(point.address, ctx.locale) : localName(point.name, ctx.locale);
      if (point.location)
        await ctx.replyWithVenue(point.location.latitude, point.location.longitude, localName(point.name, ctx.locale), address);
      const staff = canStaff(ctx.role, ctx.profile, ctx.profile?.community_id ?? '');
      return ctx.reply(pointDetail(point, ctx.t, ctx.locale), {
        parse_mode: 'HTML',
        reply_markup: staff ? { inline_keyboard: editKeyboard(point.id, ctx.t) } : undefined,
      });
    },
  });
}

/** Staff change a point's hours or phone in chat. */
export function onEditPoint(composer: Composer<BotContext>, env: ServicesEnv): void {
  onButton(composer, {
    codec: editPointButton,
    minRole: 'staff',
    load: (p, ctx) => env.deps.communities.servicePoint(ctx.profile?.community_id ?? '', p.point),
    run: async (ctx, point, p) => {
      await ctx.answerCbQuery();
      return env.bot.flows.start(ctx, env.edit, { communityId: ctx.profile!.community_id!, pointId: point.id, field: p.field });
    },
  });
}
