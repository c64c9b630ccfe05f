import { FlatComposer } from '../../bot/chain';
import { editPointFlow } from '../../../flows/services/point';
import type { BotContext } from '../../bot/context';
import type { Feature } from '../../bot/feature';
import { onEditPoint, onPoint, showServices, type ServicesEnv } from './handlers/directory';

/** The service directory (/services): the committee's office and the community's service points, open now or not; staff edit hours and phones. */
export const servicesFeature: Feature = (deps, bot) => {
  const env: ServicesEnv = { deps, bot, edit: editPointFlow(deps) };
  const composer = new FlatComposer<BotContext>();
  onPoint(composer, env);
  onEditPoint(composer, env);
  return {
    name: 'services',
    composer,
    flows: [env.edit],
    // Staff who changed a point's hours or phone: the change stays, without who made it.
    privacy: {
      exportData: async () => [],
      erase: async (userId, tx) => {
        await tx.updateTable('service_point_overrides').set({ updated_by: null }).where('updated_by', '=', userId).execute();
      },
    },
    commands: [
      {
        name: 'services',
        minRole: 'resident',
        chat: 'private',
        description: 'services.cmd_services',
        run: (ctx) => showServices(env, ctx),
      },
    ],
  };
};
