import { canvasKit } from '../../../render/canvas';
import { A4 } from './poster';

/**
 * The volunteer hours certificate (志愿服务时长证明) as one A4 page (PNG, 150 dpi): a title, the
 * sentence that certifies, the hours by team, and the committee's signature line with room for
 * its seal, as committees issue them on paper.
 */

export interface CertificateText {
  title: string;
  /** "This is to certify that …" as a few short paragraphs, already filled in. */
  body: string[];
  /** Team name and hours, one row each. */
  table: { label: string; value: string }[];
  tableHeader: { label: string; value: string };
  issuer: string;
  seal: string;
  date: string;
  serial: string;
}

const MARGIN = 120;
const ACCENT = '#b71c1c';

/** Breaks text into lines that fit `width` (by character, so Chinese without spaces wraps too). */
function wrap(measure: (s: string) => number, text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const ch of [...text]) {
    if (measure(line + ch) > width && line !== '') {
      // Break Latin text at its last space; CJK text breaks anywhere.
      const space = line.lastIndexOf(' ');
      if (space > 0 && ch.charCodeAt(0) < 0x2e80) {
        lines.push(line.slice(0, space));
        line = line.slice(space + 1) + ch;
        continue;
      }
      lines.push(line);
      line = ch;
    } else line += ch;
  }
  if (line) lines.push(line);
  return lines;
}

export function renderCertificate(c: CertificateText): Buffer {
  const { canvas, font } = canvasKit();
  const page = canvas.createCanvas(A4.width, A4.height);
  const ctx = page.getContext('2d');
  ctx.fillStyle = '#fffdf7';
  ctx.fillRect(0, 0, A4.width, A4.height);
  // A double border, as printed certificates have.
  ctx.strokeStyle = ACCENT;
  ctx.lineWidth = 10;
  ctx.strokeRect(40, 40, A4.width - 80, A4.height - 80);
  ctx.lineWidth = 3;
  ctx.strokeRect(62, 62, A4.width - 124, A4.height - 124);

  ctx.fillStyle = ACCENT;
  ctx.textAlign = 'center';
  let size = 72;
  ctx.font = font(size, 'bold');
  while (ctx.measureText(c.title).width > A4.width - 2 * MARGIN) ctx.font = font((size -= 4), 'bold');
  ctx.fillText(c.title, A4.width / 2, 250);
  ctx.fillStyle = '#757575';
  ctx.font = font(26);
  ctx.fillText(c.serial, A4.width / 2, 310);

  ctx.textAlign = 'left';
  ctx.fillStyle = '#212121';
  ctx.font = font(38);
  let y = 420;
  const width = A4.width - 2 * MARGIN;
  for (const paragraph of c.body) {
    for (const line of wrap((s) => ctx.measureText(s).width, paragraph, width)) {
      ctx.fillText(line, MARGIN, y);
      y += 60;
    }
    y += 24;
  }

  // The hours by team.
  y += 20;
  const row = (label: string, value: string, bold: boolean) => {
    ctx.font = font(34, bold ? 'bold' : 'normal');
    ctx.textAlign = 'left';
    ctx.fillText(label, MARGIN + 20, y);
    ctx.textAlign = 'right';
    ctx.fillText(value, A4.width - MARGIN - 20, y);
    ctx.strokeStyle = '#bdbdbd';
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(MARGIN, y + 20);
    ctx.lineTo(A4.width - MARGIN, y + 20);
    ctx.stroke();
    y += 64;
  };
  row(c.tableHeader.label, c.tableHeader.value, true);
  for (const r of c.table.slice(0, 8)) row(r.label, r.value, false);

  // The signature block, bottom right, with a dashed circle where the seal goes.
  const sealX = A4.width - MARGIN - 170;
  const sealY = A4.height - 380;
  ctx.setLineDash([10, 10]);
  ctx.strokeStyle = '#e57373';
  ctx.lineWidth = 3;
  ctx.beginPath();
  ctx.arc(sealX, sealY, 120, 0, Math.PI * 2);
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.fillStyle = '#e57373';
  ctx.textAlign = 'center';
  ctx.font = font(26);
  ctx.fillText(c.seal, sealX, sealY + 10);
  ctx.fillStyle = '#212121';
  ctx.textAlign = 'right';
  ctx.font = font(36, 'bold');
  ctx.fillText(c.issuer, A4.width - MARGIN, A4.height - 200);
  ctx.font = font(34);
  ctx.fillText(c.date, A4.width - MARGIN, A4.height - 140);
  return page.toBuffer('image/png');
}
