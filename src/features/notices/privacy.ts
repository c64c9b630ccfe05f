import type { PrivacySpec } from '../../bot/feature';
import type { CoreDeps } from '../../deps';
import { forgetRecipient } from '../../delivery/outbox';
import { eraseRsvps, rsvpHistory } from '../../domain/events';
import { eraseSubscriptions, subscriptionsOf, TOPICS } from '../../domain/notices';
import { escapeHtml } from '../../i18n';
import { list } from '../../phrases';

/** /mydata shows a person's topics and event answers; /deleteme erases them (places held are given back). */
export const noticesPrivacy = (deps: CoreDeps): PrivacySpec => ({
  async exportData(userId, t) {
    const subs = await subscriptionsOf(deps.db, userId);
    const rsvps = await rsvpHistory(deps.db, userId);
    const topics = TOPICS.filter((x) => subs[x]).map((x) => t(`notices.topic_${x}`));
    return [
      t('notices.mydata_topics', { topics: list(t, topics) || '—' }),
      ...rsvps.flatMap((r) => [
        t('notices.mydata_rsvp', { title: escapeHtml(r.title), status: t(`notices.status_${r.status}`), rating: r.rating ?? '—' }),
        ...(r.rating_comment ? [t('notices.mydata_rating_comment', { comment: escapeHtml(r.rating_comment) })] : []),
      ]),
    ];
  },
  async erase(userId, tx) {
    await eraseSubscriptions(tx, userId);
    await eraseRsvps(tx, userId);
    await forgetRecipient(tx, userId);
  },
});
