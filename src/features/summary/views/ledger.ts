/**
 * The ledger (台账) as CSV that Excel opens correctly with Chinese text: UTF-8 with a byte
 * order mark (without it Excel guesses the local code page and shows mojibake), CRLF line
 * ends, every field quoted when it needs to be. A field that starts like a formula is
 * prefixed with an apostrophe, so a resident's text can never run as one in Excel.
 */

const BOM = '\uFEFF';

export function csvField(value: string | number | null | undefined): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(rows: (string | number | null | undefined)[][]): Buffer {
  return Buffer.from(BOM + rows.map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n', 'utf8');
}
