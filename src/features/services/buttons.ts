import { callbackCodec } from '../../bot/callback';

/** The service directory's buttons. */

/** Open one service point: its venue and details (staff also see its edit buttons). */
export const pointButton = callbackCodec('sp', { point: 'str' });
/** Staff: change a point's hours or phone. */
export const editPointButton = callbackCodec('se', { point: 'str', field: ['hours', 'phone'] });
