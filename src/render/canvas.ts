import type * as NapiCanvas from '@napi-rs/canvas';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * @napi-rs/canvas with a CJK font, loaded on first use (the canvas library alone maps ~18 MB,
 * and the bot draws rarely: bench 4, memory and start). @fontsource/noto-sans-sc ships Noto
 * Sans SC as ~100 unicode-range subsets. Registered under ONE family, skia picks one subset
 * file and draws tofu for every glyph not in it (seen with @napi-rs/canvas 0.1.100, digits
 * included); so each subset gets its own family name and the font is the list of all of
 * them, which skia searches glyph by glyph. Traditional characters are in the same files.
 */

export interface CanvasKit {
  canvas: typeof NapiCanvas;
  /** The CSS font-family list of every registered subset, for `ctx.font` and chart.js. */
  fontStack: string;
  /** A CSS font for ctx.font: `font(36, 'bold')`. */
  font(size: number, weight?: 'normal' | 'bold'): string;
}

let kit: CanvasKit | undefined;

export function canvasKit(): CanvasKit {
  if (kit) return kit;
  const require = createRequire(import.meta.url);
  const canvas = require('@napi-rs/canvas') as typeof NapiCanvas;
  const files = join(dirname(require.resolve('@fontsource/noto-sans-sc/package.json')), 'files');
  const names = readdirSync(files);
  const families = names
    .filter((f) => f.endsWith('-400-normal.woff2'))
    .map((f, i) => {
      // The regular subset and its bold twin under one family, so a bold font picks the bold file.
      canvas.GlobalFonts.registerFromPath(join(files, f), `Noto Sans SC ${i}`);
      const bold = f.replace(/-400-normal\.woff2$/, '-700-normal.woff2');
      if (names.includes(bold)) canvas.GlobalFonts.registerFromPath(join(files, bold), `Noto Sans SC ${i}`);
      return `"Noto Sans SC ${i}"`;
    });
  const fontStack = families.join(', ');
  kit = { canvas, fontStack, font: (size, weight = 'normal') => `${weight} ${size}px ${fontStack}` };
  return kit;
}
