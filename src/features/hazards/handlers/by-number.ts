import { commandText } from '../../../bot/command-args';
import type { BotContext } from '../../../bot/context';
import { findReport, historyOf, parsePublicId, photosOf, publicId } from '../../../domain/hazards';
import { canStaff } from '../../../domain/roles';
import { voiceOf } from '../../../domain/voice';
import { escapeHtml } from '../../../i18n';
import { renderCard } from '../services';
import { staffKeyboard } from '../views/card';
import { historyText } from '../views/resident';
import type { HazardsEnv } from './press';
import { replyPictures } from './resident';

/**
 * /r R-1042: staff open a report by its number, as the committee card shows it — the card with
 * its staff buttons (they work here as on the card in the group), then its history (with its
 * routing and escalation steps), then the voice note and the photos (the reporter's and the
 * fix's). Only staff of its community (or an admin) see it; another community's report is
 * refused without showing anything of it.
 */
export async function openByNumber(env: HazardsEnv, ctx: BotContext) {
  const { deps } = env;
  const asked = commandText(ctx);
  const id = parsePublicId(asked);
  if (!id) return ctx.reply(ctx.t('workbench.r_usage'));
  const r = await findReport(deps.db, id);
  if (!r) return ctx.reply(ctx.t('workbench.r_not_found', { id: escapeHtml(asked) }), { parse_mode: 'HTML' });
  if (!canStaff(ctx.role, ctx.profile, r.community_id)) return ctx.reply(ctx.t('workbench.r_other_community', { id: publicId(r.id) }));
  await ctx.reply(await renderCard(deps, deps.db, r, ctx.locale), {
    parse_mode: 'HTML',
    reply_markup: { inline_keyboard: staffKeyboard(r, ctx.t) },
    link_preview_options: { is_disabled: true },
  });
  // Staff see how it was routed and escalated too.
  const history = historyText(deps, r, await historyOf(deps.db, r.id), ctx.t, ctx.locale, { routing: true });
  await ctx.reply(history, { parse_mode: 'HTML' });
  const voice = voiceOf(r);
  if (voice) await ctx.replyWithVoice(voice.fileId, { duration: voice.seconds });
  const photos = [...(await photosOf(deps.db, r.id)), ...(await photosOf(deps.db, r.id, 'fix'))].map((p) => p.file_id);
  if (photos.length > 0) await replyPictures(ctx, photos, ctx.t('hazards.album_caption', { id: publicId(r.id), n: photos.length }));
}
