import { buildingChoices } from '../steps';
import { choiceStep, defineFlow, requiredTextStep, type FlowContext } from '../../src/bot/flow';
import { localName } from '../../src/community/config';
import type { CoreDeps } from '../../src/deps';
import { createUnit, MAX_UNIT_NAME, setFrontage } from '../../src/domain/units';
import { escapeHtml } from '../../src/i18n';
import { grantInviteLink } from '../../src/features/grid/services/people';
import { frontageText, SPOT_MARK } from '../../src/features/grid/views/units';

/**
 * /units → Register: the unit's name, then the buildings and spots of its frontage one by one,
 * then its contact's invitation. /units → Frontage (`unitId` given): the frontage chosen anew.
 */
interface State {
  communityId: string;
  unitId?: number;
  name?: string;
  buildings: string[];
  spots: string[];
}

const DONE = '_done';
/** A spot's choice value is its id behind this (building ids never hold a colon). */
const SPOT = 's:';

type C = FlowContext<State>;

function frontageChoices(deps: CoreDeps, c: C) {
  const spots = (deps.communities.community(c.state.communityId)?.spots ?? []).map((s) => ({
    label: `${SPOT_MARK} ${localName(s.name, c.locale)}`,
    value: SPOT + s.id,
  }));
  const taken = [...c.state.buildings, ...c.state.spots.map((s) => SPOT + s)];
  return [...buildingChoices(deps.communities, c.state.communityId, c.locale), ...spots].filter((ch) => !taken.includes(ch.value));
}

async function finish(deps: CoreDeps, c: C) {
  const frontage = { buildingIds: c.state.buildings, spotIds: c.state.spots };
  const places = escapeHtml(frontageText(deps.communities, c.state.communityId, c.state, c.locale));
  const name = escapeHtml(c.state.name!);
  if (c.state.unitId) {
    await setFrontage(deps.db, c.now, c.state.unitId, frontage, c.userId);
    return { finish: { text: c.t('grid.unit_frontage_set', { name, places }) } };
  }
  const id = await createUnit(deps.db, c.now, { communityId: c.state.communityId, name: c.state.name!, ...frontage, by: c.userId });
  const { link, hours } = await grantInviteLink(deps, { id: c.userId, role: c.role }, c.state.communityId, `unit:${id}`);
  return { finish: { text: c.t('grid.unit_created', { name, places, link: escapeHtml(link), hours }) } };
}

export function unitFlow(deps: CoreDeps) {
  return defineFlow<State, { communityId: string; unitId?: number; name?: string }>({
    id: 'gun',
    first: (s) => (s.unitId ? 'frontage' : 'name'),
    initial: (_c, args) => ({ communityId: args.communityId, unitId: args.unitId, name: args.name, buildings: [], spots: [] }),
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
          text: c.t('grid.ask_unit_frontage', { n: c.state.buildings.length + c.state.spots.length }),
          choices: [
            ...frontageChoices(deps, c),
            ...(c.state.buildings.length + c.state.spots.length > 0 ? [{ label: c.t('grid.frontage_done'), value: DONE }] : []),
          ],
        }),
        then: (value, c) => {
          if (value === DONE) return finish(deps, c);
          if (value.startsWith(SPOT)) c.state.spots.push(value.slice(SPOT.length));
          else c.state.buildings.push(value);
          return { next: 'frontage' };
        },
      }),
    },
  });
}
