import { callbackCodec } from '../../bot/callback';
import { PERIODS } from '../../domain/duty';
import { GRID_KINDS } from '../../domain/grid';

/** The grid feature's button payloads (prefixes unique across the bot). */

/** /grid: a one-time invitation for a building's grid worker or building head. */
export const gridInviteButton = callbackCodec('gi', { kind: GRID_KINDS, b: 'str' });
/** /grid (admins): make a staff member the community head, or not. */
export const headButton = callbackCodec('gh', { u: 'id', on: ['0', '1'] });
/** /duty: take a free slot (d: 1 Monday … 7 Sunday). */
export const takeSlotButton = callbackCodec('dt', { d: 'int', p: PERIODS });
/** /duty: hand a slot of mine over: pick the colleague. */
export const handSlotButton = callbackCodec('dh', { d: 'int', p: PERIODS });
/** /duty: offer the slot to this colleague. */
export const offerSlotButton = callbackCodec('do', { d: 'int', p: PERIODS, to: 'id' });
/** The colleague's answer to a hand-over. */
export const answerHandoverButton = callbackCodec('da', { h: 'id', yes: ['y', 'n'] });
/** A hand-up's answer from the outside body, recorded by staff (opens the note step). */
export const handUpAnswerButton = callbackCodec('hu', { id: 'id', a: ['fixed', 'refused', 'pending'] });
/** /units: invite a unit's contact person. */
export const unitInviteButton = callbackCodec('ui', { id: 'id' });
/** /units: choose a unit's frontage (buildings and spots) anew. */
export const unitFrontageButton = callbackCodec('uf', { id: 'id' });
/** /units: register a new unit (starts its flow). */
export const newUnitButton = callbackCodec('un', { c: 'str' });
