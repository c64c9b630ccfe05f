import { defineFlow, requiredTextStep } from '../../src/bot/flow';
import { localName } from '../../src/community/config';
import type { CoreDeps } from '../../src/deps';
import { parseHours } from '../../src/domain/office-hours';
import { updateServicePoint, type PointField } from '../../src/domain/service-points';
import { escapeHtml } from '../../src/i18n';
import { hoursText } from '../../src/features/services/views/directory';

/** Staff change a service point's hours (in the grammar of src/domain/office-hours.ts) or its phone. */

export interface PointArgs {
  communityId: string;
  pointId: string;
  field: PointField;
}

const PHONE = /^[0-9+\-() ]{3,40}$/;

export function editPointFlow(deps: CoreDeps) {
  return defineFlow<PointArgs, PointArgs>({
    id: 'spe',
    first: 'value',
    initial: (_c, args) => ({ ...args }),
    steps: {
      value: requiredTextStep({
        ask: (c) => {
          const point = deps.communities.servicePoint(c.state.communityId, c.state.pointId);
          return { text: c.t(`services.ask_${c.state.field}`, { name: escapeHtml(point ? localName(point.name, c.locale) : '') }) };
        },
        max: 200,
        then: async (text, c) => {
          const value = text.trim();
          if (c.state.field === 'hours' && parseHours(value) === undefined) return { retry: c.t('services.bad_hours') };
          if (c.state.field === 'phone' && !PHONE.test(value)) return { retry: c.t('services.bad_phone') };
          await updateServicePoint(deps.db, c.now, { ...c.state, value, by: c.userId });
          const shown = c.state.field === 'hours' ? hoursText(value, c.t) : value;
          return { finish: { text: c.t(`services.updated_${c.state.field}`, { value: escapeHtml(shown) }) } };
        },
      }),
    },
  });
}
