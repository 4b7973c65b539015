/**
 * A PDF date string (ISO 32000-1 §7.9.4) in Malaysian time: "D:20261125160000+08'00'". Malaysia
 * keeps UTC+8 all year, so the offset is fixed.
 */
export function pdfDate(at: Date): string {
  const local = new Date(at.getTime() + 8 * 3600_000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `D:${local.getUTCFullYear()}${two(local.getUTCMonth() + 1)}${two(local.getUTCDate())}${two(local.getUTCHours())}${two(local.getUTCMinutes())}${two(local.getUTCSeconds())}+08'00'`;
}

/** Reads a PDF date string back (any offset, missing parts as §7.9.4 defaults them); null when it is not one. */
export function parsePdfDate(text: string): Date | null {
  const m = /^D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:([Zz])|([+-])(\d{2})'?(\d{2})?'?)?$/.exec(text.trim());
  if (!m) return null;
  const [, y, mo = '01', d = '01', h = '00', mi = '00', s = '00', , sign, oh = '00', om = '00'] = m;
  const offset = sign ? `${sign}${oh}:${om}` : 'Z';
  const at = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}${offset}`);
  return Number.isNaN(at) ? null : new Date(at);
}
