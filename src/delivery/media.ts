/**
 * Pictures and voice notes people send, kept as Telegram file ids. A picture sent "as a file" is
 * a document, and Telegram refuses a document's file_id where a photo is expected, so such a
 * picture is kept as "document:<file_id>" and sent back with sendDocument. Everything that
 * stores a picture keeps this reference as it is; only what sends one looks inside.
 */

const DOCUMENT = 'document:';

export function pictureRef(fileId: string, sentAsFile: boolean): string {
  return sentAsFile ? `${DOCUMENT}${fileId}` : fileId;
}

/** The Bot API method and field that send this picture. */
export function pictureSend(ref: string): { method: 'sendPhoto' | 'sendDocument'; field: 'photo' | 'document'; fileId: string } {
  return ref.startsWith(DOCUMENT)
    ? { method: 'sendDocument', field: 'document', fileId: ref.slice(DOCUMENT.length) }
    : { method: 'sendPhoto', field: 'photo', fileId: ref };
}

interface AlbumItem {
  type: 'photo' | 'document';
  media: string;
  caption?: string;
  parse_mode?: 'HTML';
}

/** One album's items for sendMediaGroup (all of one kind: Telegram does not mix photos and documents), the caption on the first. */
function albumItems(refs: string[], caption?: string): AlbumItem[] {
  return refs.map((ref, i): AlbumItem => {
    const { field, fileId } = pictureSend(ref);
    return { type: field, media: fileId, ...(i === 0 && caption ? { caption, parse_mode: 'HTML' as const } : {}) };
  });
}

/** "0:42": a voice note's length as people read it. */
export function voiceLength(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** Telegram's album holds 2 to 10 items. */
const ALBUM_MAX = 10;

/**
 * The Bot API calls (without chat_id) that show these pictures: albums of photos and of image
 * files apart, at most ten each, the caption (HTML) on the first; a picture alone of its kind is
 * one sendPhoto or sendDocument. The outbox and direct replies both send pictures through this.
 */
export function pictureCalls(refs: string[], caption?: string): { method: string; payload: Record<string, unknown> }[] {
  const chunks: string[][] = [];
  for (const field of ['photo', 'document']) {
    const ofKind = refs.filter((ref) => pictureSend(ref).field === field);
    for (let i = 0; i < ofKind.length; i += ALBUM_MAX) chunks.push(ofKind.slice(i, i + ALBUM_MAX));
  }
  return chunks.map((chunk, i) => {
    const text = i === 0 ? caption : undefined;
    if (chunk.length > 1) return { method: 'sendMediaGroup', payload: { media: albumItems(chunk, text) } };
    const one = pictureSend(chunk[0]);
    return { method: one.method, payload: { [one.field]: one.fileId, ...(text && { caption: text, parse_mode: 'HTML' }) } };
  });
}
