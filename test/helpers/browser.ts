import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createCanvas } from '@napi-rs/canvas';

/** What the browser tests share: Debian's Chromium (skipped when absent), the screen sizes, where screenshots go, a photo. */

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
export const ARTIFACTS = join(import.meta.dirname, '..', '.artifacts');
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 800 };

/** A photo a resident would take: a street light that is out, at night. */
export function streetLightPhoto(): Buffer {
  const canvas = createCanvas(480, 360);
  const g = canvas.getContext('2d');
  g.fillStyle = '#1d2a44';
  g.fillRect(0, 0, 480, 360);
  g.fillStyle = '#3b3b3b';
  g.fillRect(0, 300, 480, 60);
  g.fillStyle = '#777';
  g.fillRect(230, 90, 14, 215);
  g.fillRect(190, 80, 90, 16);
  g.fillStyle = '#555';
  g.beginPath();
  g.arc(200, 104, 18, 0, Math.PI);
  g.fill();
  return canvas.toBuffer('image/png');
}
