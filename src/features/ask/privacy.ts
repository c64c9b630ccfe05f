import type { PrivacySpec } from '../../bot/feature';
import type { CoreDeps } from '../../deps';
import { questionRef, questionsOf, threadOf } from '../../domain/ask';

/** /mydata lists a person's questions with what they wrote; /deleteme erases their words and keeps the questions as anonymous counts. */
export function askPrivacy(deps: CoreDeps): PrivacySpec {
  return {
    async exportData(userId, t) {
      const lines: string[] = [];
      for (const q of await questionsOf(deps.db, userId)) {
        const mine = (await threadOf(deps.db, q.id)).filter((m) => m.author_id === userId).map((m) => m.text);
        lines.push(t('ask.mydata_line', { ref: questionRef(q.id), status: t(`ask.status_${q.status}`), text: mine.join(' / ') }));
      }
      return lines;
    },
    async erase(userId, tx) {
      const mine = await tx.selectFrom('questions').select('id').where('asker_id', '=', userId).execute();
      if (mine.length > 0)
        await tx
          .updateTable('question_messages')
          .set({ text: '', author_id: null })
          .where(
            'question_id',
            'in',
            mine.map((q) => q.id),
          )
          .where('role', '=', 'resident')
          .execute();
      await tx.updateTable('questions').set({ asker_id: null }).where('asker_id', '=', userId).execute();
      // Staff who answered: the committee's answers stay, without who wrote them.
      await tx.updateTable('questions').set({ answered_by: null }).where('answered_by', '=', userId).execute();
      await tx.updateTable('question_messages').set({ author_id: null }).where('author_id', '=', userId).execute();
      await tx.updateTable('faq_entries').set({ created_by: null }).where('created_by', '=', userId).execute();
      await tx
        .updateTable('bookings')
        .set({ status: 'cancelled', seat: null })
        .where('user_id', '=', userId)
        .where('status', '=', 'booked')
        .execute();
      await tx.updateTable('bookings').set({ user_id: null }).where('user_id', '=', userId).execute();
    },
  };
}
