/** A voice message people sent instead of typing (a description, a note): its Telegram file_id and length. */
export interface VoiceNote {
  fileId: string;
  seconds: number;
}

/** A row's voice note (reports, report_events, help_requests), if it has one it still keeps. */
export function voiceOf(row: { voice_file_id: string | null; voice_seconds: number | null }): VoiceNote | undefined {
  return row.voice_file_id ? { fileId: row.voice_file_id, seconds: row.voice_seconds ?? 0 } : undefined;
}
