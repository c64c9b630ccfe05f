import { callbackCodec } from '../../bot/callback';

/** The ask buttons' payloads. */

/** Staff: answer a question (on its card in the committee group, or privately). */
export const answerButton = callbackCodec('qa', { id: 'id' });
/** The asker on an answer: y "That answers it", f "I have a follow-up". */
export const replyButton = callbackCodec('qr', { id: 'id', op: ['y', 'f'] });
/** Staff, after answering: turn the question and the answer into an FAQ entry. */
export const toFaqButton = callbackCodec('qf', { id: 'id' });
/** Staff: a page of /questions, all waiting or only the overdue (1). */
export const questionsPageButton = callbackCodec('ql', { overdue: ['0', '1'], page: 'int' });
