import { measureText } from '@libpdf/core';
import qrcode from 'qrcode-generator';

/** What a visible signature stamp says (each line as the officer reads it). */
export interface StampText {
  /** The heading, e.g. "Ditandatangani secara digital / Digitally signed". */
  heading: string;
  /** The officer's name, in bold. */
  name: string;
  /** Role or agency, and any further lines (Malaysian time, reference, short link). */
  lines: string[];
  /** The validation report's address, drawn as a QR code at the right (omitted when absent). */
  link?: string;
}

/** An appearance stream's content and the fonts it names, for a box of `width` x `height` points. */
export interface StampDrawing {
  content: Uint8Array;
  /** Resource name -> Standard 14 font it stands for. */
  fonts: Record<'F1' | 'F2', 'Helvetica' | 'Helvetica-Bold'>;
}

const PADDING = 4;
const LINE_GAP = 1.25;
const MAX_FONT = 9;
const MIN_FONT = 4;

/**
 * Text as the WinAnsi bytes of a PDF literal string (ISO 32000-1 §7.3.4.2 escapes, Annex D
 * encoding): Latin-1 covers Malay and the romanised names the registry holds; anything beyond it
 * is drawn as "?" rather than as bytes a reader would show as another character.
 */
function literal(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    const byte = code >= 0x20 && code <= 0xff && code !== 0x7f ? ch : '?';
    out += byte === '(' || byte === ')' || byte === '\\' ? `\\${byte}` : byte;
  }
  return `(${out})`;
}

/** Fills a QR code's dark modules as rectangles (runs along each row), `size` points square at (x, y). */
function qrOperators(link: string, x: number, y: number, size: number): string {
  const qr = qrcode(0, 'M');
  qr.addData(link, 'Byte');
  qr.make();
  const count = qr.getModuleCount();
  // ISO/IEC 18004 §5.3.8: a quiet zone of 4 modules around the symbol.
  const module = size / (count + 8);
  const ops: string[] = ['q 1 g', `${x} ${y} ${size} ${size} re f`, '0 g'];
  for (let row = 0; row < count; row++) {
    let col = 0;
    while (col < count) {
      if (!qr.isDark(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < count && qr.isDark(row, col)) col++;
      const left = x + (start + 4) * module;
      const top = y + size - (row + 4) * module;
      ops.push(`${left.toFixed(3)} ${(top - module).toFixed(3)} ${((col - start) * module).toFixed(3)} ${module.toFixed(3)} re`);
    }
  }
  ops.push('f Q');
  return ops.join('\n');
}

/**
 * The content of a signature widget's normal appearance (ISO 32000-1 §12.7.4.5, §12.5.5): a framed
 * box with the heading, the officer's name in bold and the other lines at the left, and the QR code
 * of the validation link at the right. Rows share one font size from the box's
 * height; a row too wide for the box shrinks on its own.
 */
export function drawStamp(text: StampText, width: number, height: number): StampDrawing {
  const qrSize = text.link ? Math.max(0, Math.min(height - 2 * PADDING, width / 3)) : 0;
  const textWidth = width - 2 * PADDING - (qrSize ? qrSize + PADDING : 0);
  const rows: { text: string; font: 'F1' | 'F2' }[] = [
    { text: text.heading, font: 'F1' },
    { text: text.name, font: 'F2' },
    ...text.lines.map((line) => ({ text: line, font: 'F1' as const })),
  ];
  // One size for the block from the height; a row too wide for its room shrinks alone (to MIN_FONT).
  const base = Math.max(MIN_FONT, Math.min(MAX_FONT, (height - 2 * PADDING) / (rows.length * LINE_GAP)));
  const sizeOf = (row: (typeof rows)[number]) => {
    const font = row.font === 'F2' ? 'Helvetica-Bold' : 'Helvetica';
    let size = base;
    while (size > MIN_FONT && measureText(row.text, font, size) > textWidth) size -= 0.25;
    return size;
  };
  const ops: string[] = [
    // A light frame so the stamp reads as one block on a printed voucher.
    'q 0.96 0.97 1 rg 0.2 0.3 0.5 RG 0.75 w',
    `0.5 0.5 ${width - 1} ${height - 1} re B Q`,
    'BT 0.1 0.1 0.2 rg',
  ];
  let y = height - PADDING - base;
  for (const row of rows) {
    ops.push(`/${row.font} ${sizeOf(row)} Tf 1 0 0 1 ${PADDING} ${y.toFixed(2)} Tm ${literal(row.text)} Tj`);
    y -= base * LINE_GAP;
  }
  ops.push('ET');
  if (text.link && qrSize > 0) ops.push(qrOperators(text.link, width - PADDING - qrSize, (height - qrSize) / 2, qrSize));
  return { content: Buffer.from(ops.join('\n'), 'latin1'), fonts: { F1: 'Helvetica', F2: 'Helvetica-Bold' } };
}
