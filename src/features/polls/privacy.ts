import type { PrivacySpec } from '../../bot/feature';
import type { CoreDeps } from '../../deps';
import { eraseVotes, optionsOf, votesOf } from '../../domain/polls';
import { escapeHtml } from '../../i18n';
import { list } from '../../phrases';

/** /mydata: each poll voted in, with the options on a named poll and only "voted" on an anonymous one; /deleteme unlinks them. */
export const pollsPrivacy = (deps: CoreDeps): PrivacySpec => ({
  async exportData(userId, t) {
    return (await votesOf(deps.db, userId)).map((v) => {
      const question = escapeHtml(v.question);
      if (v.anonymous || !v.choices) return t('polls.mydata_voted', { question });
      const options = optionsOf(v);
      return t('polls.mydata_choices', {
        question,
        choices: list(
          t,
          v.choices.map((i) => escapeHtml(options[i])),
        ),
      });
    });
  },
  erase: (userId, tx) => eraseVotes(tx, userId),
});
