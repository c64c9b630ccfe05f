import { localName } from '../src/community/config';
import type { CoreDeps } from '../src/deps';
import { chosen, defineFlow, textAnswer, type FlowContext, type Step } from '../src/bot/flow';
import { audit } from '../src/domain/audit';
import { audienceMembers, topicFilter } from '../src/domain/notices';
import { startBroadcast } from '../src/delivery/broadcasts';
import { escapeHtml, type Translate } from '../src/i18n';
import type { Audience } from '../src/store/schema/delivery';
import { audienceSteps, communityOf, describeAudience, maySend, type AudienceState } from './notice-audience';

/**
 * /announce (staff): the notice's text and an optional photo → urgent or not → audience →
 * a preview exactly as residents will see it, with the number of recipients → send.
 */

interface State extends AudienceState {
  text?: string;
  photo?: string;
  urgent?: boolean;
}

/** Telegram's limits (4096 text, 1024 caption) less room for the header and footer. */
export const MAX_NOTICE = 3500;
export const MAX_CAPTION_NOTICE = 850;

/** A notice as its recipients see it, in their language. */
export function renderNotice(t: Translate, community: string, text: string, urgent: boolean): string {
  const header = t(urgent ? 'notices.urgent_header' : 'notices.notice_header', { community: escapeHtml(community) });
  return `${header}\n\n${escapeHtml(text)}${urgent ? '' : `\n\n<i>${t('notices.notice_footer')}</i>`}`;
}

export function announceFlow(deps: CoreDeps) {
  const { communities } = deps;
  const communityName = (c: FlowContext<State>) => communities.community(communityOf(deps, c)!)!.name;
  const members = (c: FlowContext<State>, audience: Audience) =>
    audienceMembers(
      deps.db,
      communityOf(deps, c)!,
      audience,
      topicFilter(audience, Boolean(c.state.urgent), c.state.urgent ? 'safety' : 'notices'),
    );

  const confirm: Step<State> = {
    accepts: ['choice'],
    ask: async (c) => {
      const { recipients, unreachable } = await members(c, c.state.audience!);
      const preview = renderNotice(c.t, localName(communityName(c), c.locale), c.state.text!, Boolean(c.state.urgent));
      const summary = c.t('notices.preview_summary', {
        count: recipients.length,
        audience: escapeHtml(describeAudience(deps, c, c.state.audience!)),
      });
      const extra = unreachable > 0 ? `\n${c.t('notices.preview_unreachable', { count: unreachable })}` : '';
      return {
        text: `${preview}\n\n————————\n${summary}${extra}`,
        photo: c.state.photo,
        choices: recipients.length > 0 ? [{ label: c.t('notices.send_button', { count: recipients.length }), value: 'send' }] : [],
        columns: 1,
      };
    },
    answer: async (input, c) => {
      if (!chosen(input, ['send'])) return { retry: c.t('common.pick_a_button') };
      if (!maySend(deps, c)) return { finish: { text: c.t('common.not_allowed'), menu: true } };
      const communityId = communityOf(deps, c)!;
      const audience = c.state.audience!;
      const urgent = Boolean(c.state.urgent);
      const { recipients } = await members(c, audience);
      if (recipients.length === 0) return { retry: c.t('notices.nobody') };
      const name = communityName(c);
      await deps.db.transaction().execute(async (tx) => {
        const id = await startBroadcast(tx, c.now, deps.i18n, {
          communityId,
          kind: 'notice',
          createdBy: c.userId,
          audience,
          topic: urgent ? 'safety' : audience.kind === 'topic' ? audience.topic : 'notices',
          urgent,
          text: escapeHtml(c.state.text!),
          photo: c.state.photo,
          recipients,
          render: (locale) => ({ text: renderNotice(deps.i18n.translator(locale), localName(name, locale), c.state.text!, urgent) }),
        });
        await audit(tx, c.now, c.userId, 'notice.broadcast', `broadcast:${id}`, {
          community: communityId,
          audience,
          urgent,
          recipients: recipients.length,
        });
      });
      deps.sender.poke();
      return { finish: { text: c.t('notices.sending', { count: recipients.length }), menu: true } };
    },
  };

  return defineFlow<State>({
    id: 'ann',
    first: 'text',
    initial: () => ({}),
    steps: {
      text: {
        accepts: ['text'],
        ask: (c) => ({ text: c.t('notices.ask_text', { max: MAX_NOTICE }) }),
        answer: (input, c) => {
          const r = textAnswer(input, { min: 2, max: MAX_NOTICE });
          if (!r.ok) return { retry: r.reason === 'too_long' ? c.t('common.too_long', { max: MAX_NOTICE }) : c.t('common.too_short') };
          c.state.text = r.text;
          return { next: 'photo' };
        },
      },
      photo: {
        accepts: ['photo', 'skip'],
        ask: (c) => ({ text: c.t('notices.ask_photo'), skippable: true }),
        answer: (input, c) => {
          if (input.kind === 'skip') {
            delete c.state.photo;
            return { next: 'urgent' };
          }
          if (input.kind !== 'photo') return { retry: c.t('common.expect_photo') };
          // A photo's caption holds 1024 characters: a longer notice goes without its photo.
          if ([...c.state.text!].length > MAX_CAPTION_NOTICE)
            return { retry: c.t('notices.too_long_for_photo', { max: MAX_CAPTION_NOTICE }) };
          c.state.photo = input.fileId;
          return { next: 'urgent' };
        },
      },
      urgent: {
        accepts: ['choice'],
        ask: (c) => ({
          text: c.t('notices.ask_urgent'),
          choices: [
            { label: c.t('notices.kind_normal'), value: 'normal' },
            { label: c.t('notices.kind_urgent'), value: 'urgent' },
          ],
          columns: 1,
        }),
        answer: (input, c) => {
          const kind = chosen(input, ['normal', 'urgent']);
          if (!kind) return { retry: c.t('common.pick_a_button') };
          c.state.urgent = kind === 'urgent';
          return { next: communityOf(deps, c) ? 'audience' : 'community' };
        },
      },
      ...audienceSteps<State>(deps, { after: 'confirm', topics: true }),
      confirm,
    },
  });
}
