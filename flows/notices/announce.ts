import { localName } from '../../src/community/config';
import type { CoreDeps } from '../../src/deps';
import { choiceStep, defineFlow, type FlowContext, requiredTextStep } from '../../src/bot/flow';
import { recipientsOf, sendNotice } from '../../src/features/notices/services/broadcasts';
import { MAX_CAPTION_NOTICE, MAX_NOTICE, renderNotice } from '../../src/features/notices/views/notices';
import { audienceNext, audienceSteps, communityOf, confirmStep, type AudienceState } from './audience';

/**
 * /announce (staff): the notice's text and an optional photo → urgent or not → audience →
 * a preview exactly as residents will see it, with the number of recipients → send.
 */

interface State extends AudienceState {
  text?: string;
  photo?: string;
  urgent?: boolean;
}

export function announceFlow(deps: CoreDeps) {
  const communityId = (c: FlowContext<State>) => communityOf(deps, c)!;
  const communityName = (c: FlowContext<State>) => deps.communities.community(communityId(c))!.name;

  const confirm = confirmStep<State>(deps, {
    preview: (c) => ({
      text: renderNotice(c.t, localName(communityName(c), c.locale), c.state.text!, Boolean(c.state.urgent)),
      photo: c.state.photo,
    }),
    recipients: (c) => recipientsOf(deps, communityId(c), c.state.audience!, 'notices', Boolean(c.state.urgent)),
    showUnreachable: true,
    send: (c, recipients) =>
      sendNotice(deps, c.now, {
        communityId: communityId(c),
        createdBy: c.userId,
        audience: c.state.audience!,
        urgent: Boolean(c.state.urgent),
        text: c.state.text!,
        photo: c.state.photo,
        recipients,
        updateId: c.updateId,
      }),
  });

  return defineFlow<State>({
    id: 'ann',
    first: 'text',
    initial: () => ({}),
    steps: {
      text: requiredTextStep<State>({
        ask: (c) => ({ text: c.t('notices.ask_text', { max: MAX_NOTICE }) }),
        min: 2,
        max: MAX_NOTICE,
        then: (text, c) => {
          c.state.text = text;
          return { next: 'photo' };
        },
      }),
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
      urgent: choiceStep<State>({
        ask: (c) => ({
          text: c.t('notices.ask_urgent'),
          choices: [
            { label: c.t('notices.kind_normal'), value: 'normal' },
            { label: c.t('notices.kind_urgent'), value: 'urgent' },
          ],
          columns: 1,
        }),
        then: (kind, c) => {
          c.state.urgent = kind === 'urgent';
          return { next: audienceNext(deps, c) };
        },
      }),
      ...audienceSteps<State>(deps, { after: 'confirm', topics: true }),
      confirm,
    },
  });
}
