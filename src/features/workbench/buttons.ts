import { callbackCodec } from '../../bot/callback';
import { GRID_KINDS } from '../../domain/grid';

/** The workbench's buttons: a volunteer's certificate, revoking a role, a team's members, removing a member. */

export const certificateButton = callbackCodec('wbc', { u: 'id' });
export const revokeStaffButton = callbackCodec('wbrs', { u: 'id' });
export const revokeLeadButton = callbackCodec('wbrl', { m: 'id' });
/** A grid duty: community, building, kind and the person holding it when the list was shown. */
export const revokeGridButton = callbackCodec('wbrg', { c: 'str', b: 'str', k: GRID_KINDS, u: 'id' });
/** A team's members, page `p` (a big team does not fit one message's buttons). */
export const teamMembersButton = callbackCodec('wbtm', { c: 'str', t: 'str', p: 'int' });
export const removeMemberButton = callbackCodec('wbrm', { m: 'id' });
