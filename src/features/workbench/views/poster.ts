import QRCode from 'qrcode';
import type { SKRSContext2D } from '@napi-rs/canvas';
import { canvasKit } from '../../../render/canvas';

/**
 * A stairwell poster: an A4 page (1240 × 1754 px, 150 dpi) with the community's name, the
 * building, what the bot does in a few words (the committee's language, then English), and a
 * large QR code of the building's deep link. The code is drawn module by module from qrcode's
 * matrix, so it stays sharp at any print size; a 4-module quiet zone keeps it readable.
 */

export interface PosterText {
  community: string;
  building: string;
  /** The headline and a few short lines, in the committee's language. */
  headline: string;
  lines: string[];
  /** The same in English, smaller (left out when the committee's language is English). */
  english?: { headline: string; lines: string[] };
  /** "Scan with WeChat? No — with Telegram's camera or your phone camera", the link under the code. */
  scanHint: string;
  link: string;
}

export const A4 = { width: 1240, height: 1754 } as const;
const MARGIN = 96;
const QR_SIZE = 680;
const ACCENT = '#c62828';

function drawQr(ctx: SKRSContext2D, link: string, left: number, top: number, size: number): void {
  const { modules } = QRCode.create(link, { errorCorrectionLevel: 'M' });
  const quiet = 4;
  const cell = Math.floor(size / (modules.size + 2 * quiet));
  const drawn = cell * (modules.size + 2 * quiet);
  const x0 = left + Math.floor((size - drawn) / 2);
  const y0 = top + Math.floor((size - drawn) / 2);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(x0, y0, drawn, drawn);
  ctx.fillStyle = '#000000';
  for (let row = 0; row < modules.size; row++)
    for (let col = 0; col < modules.size; col++)
      if (modules.get(row, col)) ctx.fillRect(x0 + (col + quiet) * cell, y0 + (row + quiet) * cell, cell, cell);
}

/** Writes centred text, shrinking it until it fits the line. */
function centred(ctx: SKRSContext2D, text: string, y: number, size: number, weight: 'normal' | 'bold', color = '#212121'): void {
  const { font } = canvasKit();
  let s = size;
  ctx.font = font(s, weight);
  while (s > 16 && ctx.measureText(text).width > A4.width - 2 * MARGIN) ctx.font = font((s -= 2), weight);
  ctx.fillStyle = color;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'alphabetic';
  ctx.fillText(text, A4.width / 2, y);
}

export function renderPoster(p: PosterText): Buffer {
  const { canvas } = canvasKit();
  const page = canvas.createCanvas(A4.width, A4.height);
  const ctx = page.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, A4.width, A4.height);
  // A red band with the community's name, as committee notices are headed.
  ctx.fillStyle = ACCENT;
  ctx.fillRect(0, 0, A4.width, 200);
  centred(ctx, p.community, 128, 76, 'bold', '#ffffff');
  centred(ctx, p.building, 300, 64, 'bold');
  centred(ctx, p.headline, 400, 48, 'bold', ACCENT);
  let y = 470;
  for (const line of p.lines) {
    centred(ctx, line, y, 38, 'normal');
    y += 52;
  }
  const qrTop = Math.max(y, 640);
  drawQr(ctx, p.link, (A4.width - QR_SIZE) / 2, qrTop, QR_SIZE);
  y = qrTop + QR_SIZE + 56;
  centred(ctx, p.scanHint, y, 34, 'normal');
  centred(ctx, p.link, y + 52, 28, 'normal', '#555555');
  if (p.english) {
    y += 130;
    centred(ctx, p.english.headline, y, 32, 'bold', '#424242');
    for (const line of p.english.lines) centred(ctx, line, (y += 44), 26, 'normal', '#424242');
  }
  return page.toBuffer('image/png');
}
