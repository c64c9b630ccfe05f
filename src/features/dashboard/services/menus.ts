import type { CoreDeps } from '../../../deps';
import { enqueueCall } from '../../../delivery/outbox';
import { isLocale } from '../../../i18n';

/**
 * The chat menu button: in each staff member's and admin's private chat it opens the dashboard
 * (setChatMenuButton with a MenuButtonWebApp), and it goes back to the default when they are
 * staff no more. dashboard_menus remembers what was set, so each change is sent once, through the
 * outbox; the guarded insert/update/delete makes two instances send it once between them.
 */

export type MenuDeps = Pick<CoreDeps, 'db' | 'config' | 'i18n' | 'clock'>;

export const miniAppUrl = (dashboardUrl: string) => `${dashboardUrl}/dashboard/`;

/** Staff and admins who have started the bot (an admin from ADMIN_IDS may not have a row yet). */
async function staffChats(deps: MenuDeps) {
  const rows = await deps.db
    .selectFrom('users')
    .select(['id', 'locale'])
    .where((eb) =>
      eb.or([eb('role', 'in', ['staff', 'admin']), ...(deps.config.adminIds.length ? [eb('id', 'in', deps.config.adminIds)] : [])]),
    )
    .where('reachable', '=', 1)
    .execute();
  return rows.map((r) => ({ id: Number(r.id), locale: isLocale(r.locale) ? r.locale : deps.config.defaultLocale }));
}

export async function syncMenuButtons(deps: MenuDeps, onlyUserId?: number): Promise<void> {
  const settings = deps.config.dashboard;
  if (!settings) return;
  const url = miniAppUrl(settings.url);
  const now = deps.clock.now();
  const staff = (await staffChats(deps)).filter((s) => onlyUserId === undefined || s.id === onlyUserId);
  for (const s of staff) {
    await deps.db.transaction().execute(async (tx) => {
      const inserted = await tx
        .insertInto('dashboard_menus')
        .values({ user_id: s.id, url, set_at: now })
        .onConflict((oc) => oc.column('user_id').doNothing())
        .executeTakeFirst();
      const changed =
        Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0 ||
        Number(
          (
            await tx
              .updateTable('dashboard_menus')
              .set({ url, set_at: now })
              .where('user_id', '=', s.id)
              .where('url', '!=', url)
              .executeTakeFirst()
          ).numUpdatedRows,
        ) > 0;
      if (!changed) return;
      const text = deps.i18n.t(s.locale, 'dashboard.menu_button');
      await enqueueCall(tx, now, {
        chatId: s.id,
        method: 'setChatMenuButton',
        payload: { menu_button: { type: 'web_app', text, web_app: { url } } },
      });
    });
  }
  if (onlyUserId !== undefined) return;
  const stillStaff = new Set(staff.map((s) => s.id));
  const set = await deps.db.selectFrom('dashboard_menus').select('user_id').execute();
  for (const { user_id } of set.filter((r) => !stillStaff.has(Number(r.user_id)))) {
    await deps.db.transaction().execute(async (tx) => {
      const removed = await tx.deleteFrom('dashboard_menus').where('user_id', '=', user_id).executeTakeFirst();
      if (Number(removed.numDeletedRows) === 0) return;
      await enqueueCall(tx, now, { chatId: Number(user_id), method: 'setChatMenuButton', payload: { menu_button: { type: 'default' } } });
    });
  }
}
