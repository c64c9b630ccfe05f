import { buildingChoices } from '../steps';
import { choiceStep, defineFlow, requiredTextStep } from '../../src/bot/flow';
import { localName } from '../../src/community/config';
import type { CoreDeps } from '../../src/deps';
import { createUnit, MAX_UNIT_NAME } from '../../src/domain/units';
import { escapeHtml } from '../../src/i18n';
import { grantInviteLink } from '../../src/features/grid/services/people';

/** /units → Register: the unit's name, then the buildings of its frontage one by one, then its contact's invitation. */
interface State {
  communityId: string;
  name?: string;
  buildings: string[];
}

const DONE = '_done';

export function unitFlow(deps: CoreDeps) {
  return defineFlow<State, { communityId: string }>({
    id: 'gun',
    first: 'name',
    initial: (_c, args) => ({ communityId: args.communityId, buildings: [] }),
    steps: {
      name: requiredTextStep({
        ask: (c) => ({ text: c.t('grid.ask_unit_name') }),
        max: MAX_UNIT_NAME,
        then: (name, c) => {
          c.state.name = name;
          return { next: 'frontage' };
        },
      }),
      frontage: choiceStep({
        ask: (c) => ({
          text: c.t('grid.ask_unit_frontage', { n: c.state.buildings.length }),
          choices: [
            ...buildingChoices(deps.communities, c.state.communityId, c.locale).filter((b) => !c.state.buildings.includes(b.value)),
            ...(c.state.buildings.length > 0 ? [{ label: c.t('grid.frontage_done'), value: DONE }] : []),
          ],
        }),
        then: async (value, c) => {
          if (value !== DONE) {
            c.state.buildings.push(value);
            return { next: 'frontage' };
          }
          const id = await createUnit(deps.db, c.now, {
            communityId: c.state.communityId,
            name: c.state.name!,
            buildingIds: c.state.buildings,
            by: c.userId,
          });
          const { link, hours } = await grantInviteLink(deps, { id: c.userId, role: c.role }, c.state.communityId, `unit:${id}`);
          const places = c.state.buildings
            .map((b) => localName(deps.communities.building(c.state.communityId, b)!.name, c.locale))
            .join(', ');
          return {
            finish: {
              text: c.t('grid.unit_created', {
                name: escapeHtml(c.state.name!),
                places: escapeHtml(places),
                link: escapeHtml(link),
                hours,
              }),
            },
          };
        },
      }),
    },
  });
}
