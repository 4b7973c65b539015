import busboy from 'busboy';
import type { IncomingHttpHeaders } from 'node:http';
import type { GateFinding } from '../shared/schemas/approval.js';
import type { GateRule } from './config.js';

/** The values a posted field has: none (absent), one, or several (repeated: ambiguous). */
export type FieldValues = (name: string) => string[];

export type ParsedFields = { ok: true; values: FieldValues } | { ok: false; finding: Extract<GateFinding, 'body_type' | 'body_malformed' | 'body_encoded' | 'charset_unsupported' | 'field_malformed'> };

/** Two values: what a field that cannot be read as one value reads as. */
const AMBIGUOUS = ['[not a single value]', '[not a single value]'];

const CONTENT_TYPES: Record<GateRule['body'], RegExp> = {
  form: /^application\/x-www-form-urlencoded$/i,
  multipart: /^multipart\/form-data$/i,
  json: /^application\/(?:[\w.+-]+\+)?json$/i,
};

type Charset = 'utf8' | 'ascii' | 'latin1';

/** The charsets every back end decodes alike for the bytes a form carries (JSON: UTF-8 only, RFC 8259). */
const FORM_CHARSETS = new Map<string, Charset>([
  ['utf-8', 'utf8'],
  ['utf8', 'utf8'],
  ['us-ascii', 'ascii'],
  ['iso-8859-1', 'latin1'],
]);
const JSON_CHARSETS = new Set(['utf-8', 'utf8']);

/**
 * A media type and its parameters (RFC 9110 §8.3.1), strictly: a parameter given twice, or one
 * that does not parse, makes the whole value unreadable (null).
 */
export function parseMediaType(value: string): { type: string; params: Map<string, string> } | null {
  const [type, ...rest] = value.split(';');
  const params = new Map<string, string>();
  const bare = type!.trim().toLowerCase();
  if (!/^[\w!#$&^.+-]+\/[\w!#$&^.+-]+$/.test(bare)) return null;
  // Parameters may be quoted strings with ';' inside (a boundary): re-join what split.
  const text = rest.join(';');
  const param = /\s*([\w!#$&^.+-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;"\s]*))\s*(?:;|$)/gy;
  let at = 0;
  while (at < text.length) {
    param.lastIndex = at;
    const m = param.exec(text);
    if (!m) return /^\s*;?\s*$/.test(text.slice(at)) ? { type: bare, params } : null;
    const name = m[1]!.toLowerCase();
    if (params.has(name)) return null;
    params.set(name, m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!);
    at = param.lastIndex;
  }
  return { type: bare, params };
}

/** C0 and C1 controls and DEL; in document values tab, CR and LF are text (a textarea). */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROL_IN_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
export const hasControl = (value: string, text = false) => (text ? CONTROL_IN_TEXT : CONTROL).test(value);

/**
 * The key a field name is stored under, the way the lenient readers read names: case-blind
 * (servlet, ASP.NET), leading and trailing spaces and controls dropped, and PHP's mangling (`.`,
 * space and `[` become `_`, a `[]` suffix is the same field). So `Amaun`, ` amaun` and `amaun[]`
 * are all `amaun`, and two of them are a repeat.
 */
export const fieldKey = (name: string) =>
  name
    .replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '')
    .toLowerCase()
    .replace(/\[\]$/, '')
    .replace(/[. []/g, '_');

function fieldStore() {
  const fields = new Map<string, string[]>();
  return {
    add(name: string, value: string) {
      const key = fieldKey(name);
      fields.set(key, [...(fields.get(key) ?? []), value]);
    },
    values: ((name) => fields.get(fieldKey(name)) ?? []) as FieldValues,
  };
}

function decodeFormPart(text: string, charset: Charset): string | null {
  const spaced = text.replace(/\+/g, ' ');
  if (/%(?![0-9a-f]{2})/i.test(spaced)) return null;
  if (charset === 'utf8') {
    try {
      return decodeURIComponent(spaced);
    } catch {
      return null;
    }
  }
  const bytes = Buffer.from(spaced.replace(/%([0-9a-f]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1');
  if (charset === 'ascii' && bytes.some((b) => b > 0x7f)) return null;
  return bytes.toString('latin1');
}

/**
 * An urlencoded body, read the one way (WHATWG application/x-www-form-urlencoded): ASCII bytes
 * only, `&` separated, `+` a space, every `%` a valid escape of the declared charset. A raw `;`
 * (a separator to some back ends), a raw non-ASCII byte or a name with a control character is
 * refused: a lenient reader would read them otherwise.
 */
function parseUrlencoded(raw: Buffer, charset: Charset, add: (name: string, value: string) => void): true | 'body_malformed' | 'field_malformed' {
  if (raw.some((b) => b < 0x20 || b > 0x7e)) return 'field_malformed';
  const text = raw.toString('latin1');
  if (text.includes(';')) return 'field_malformed';
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decodeFormPart(eq < 0 ? pair : pair.slice(0, eq), charset);
    const value = decodeFormPart(eq < 0 ? '' : pair.slice(eq + 1), charset);
    if (name === null || value === null) return 'body_malformed';
    if (hasControl(name) || hasControl(value, true)) return 'field_malformed';
    add(name, value);
  }
  return true;
}

/**
 * The part headers of a multipart body, checked before busboy reads it: each part's charset must
 * be one of the form charsets and its transfer encoding none (7bit, 8bit, binary). A back end
 * that honours a part's `charset=utf-16le` (or base64) would read what the gate does not.
 */
function checkParts(raw: Buffer, boundary: string): 'charset_unsupported' | 'body_encoded' | 'field_malformed' | null {
  const text = raw.toString('latin1');
  const delimiter = `--${boundary}`;
  let at = text.indexOf(delimiter);
  while (at >= 0) {
    const start = at + delimiter.length;
    if (text.startsWith('--', start)) break;
    const end = text.indexOf('\r\n\r\n', start);
    if (end < 0) break;
    for (const line of text.slice(start, end).split('\r\n').slice(1)) {
      if (hasControl(line.replace(/\t/g, ' '))) return 'field_malformed';
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === 'content-type') {
        const media = parseMediaType(value);
        if (!media) return 'field_malformed';
        const charset = media.params.get('charset');
        if (charset !== undefined && !FORM_CHARSETS.has(charset.toLowerCase())) return 'charset_unsupported';
      }
      if (name === 'content-transfer-encoding' && !['7bit', '8bit', 'binary'].includes(value.toLowerCase())) return 'body_encoded';
    }
    at = text.indexOf(`\r\n${delimiter}`, end);
    if (at >= 0) at += 2;
  }
  return null;
}

/** A multipart body through busboy (a maintained streaming parser), after its part headers are checked. */
function parseMultipart(headers: IncomingHttpHeaders, raw: Buffer, boundary: string, charset: Charset, add: (name: string, value: string) => void): Promise<true | ParsedFields & { ok: false }> {
  const refused = checkParts(raw, boundary);
  if (refused) return Promise.resolve({ ok: false, finding: refused });
  return new Promise((resolve) => {
    let failed = false;
    const fail = (finding: 'body_malformed' | 'field_malformed' = 'body_malformed') => {
      if (!failed) resolve({ ok: false, finding });
      failed = true;
    };
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers, defCharset: charset, defParamCharset: 'utf8', limits: { fieldSize: raw.length + 1, fields: 10_000, parts: 10_000 } });
    } catch {
      fail();
      return;
    }
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated || info.nameTruncated) return fail();
      if (hasControl(name) || hasControl(value, true)) return fail('field_malformed');
      add(name, value);
    });
    // Files are not document fields; a part without a file name is a field to a servlet whatever its type.
    parser.on('file', (name, stream, info) => {
      if (info.filename !== undefined) return void stream.resume();
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const value = Buffer.concat(chunks).toString(charset);
        if (hasControl(value, true)) return fail('field_malformed');
        add(name, value);
      });
    });
    parser.on('fieldsLimit', () => fail());
    parser.on('partsLimit', () => fail());
    parser.on('error', () => fail());
    parser.on('close', () => {
      if (!failed) resolve(true);
    });
    parser.end(raw);
  });
}

/**
 * Finds a key given twice in one JSON object (JSON.parse keeps the last, first-key-wins parsers
 * the first). `text` is valid JSON already.
 */
export function hasDuplicateKey(text: string): boolean {
  const stack: { keys: Set<string> | null; expectKey: boolean }[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '{') stack.push({ keys: new Set(), expectKey: true });
    else if (c === '[') stack.push({ keys: null, expectKey: false });
    else if (c === '}' || c === ']') stack.pop();
    else if (c === ',') {
      const top = stack.at(-1);
      if (top?.keys) top.expectKey = true;
    } else if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const top = stack.at(-1);
      if (top?.keys && top.expectKey) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (top.keys.has(key)) return true;
        top.keys.add(key);
        top.expectKey = false;
      }
      i = j;
    }
  }
  return false;
}

/**
 * A JSON body: valid UTF-8, no key twice in an object, `a.b` reads nested properties, keys
 * compared case-blind (ASP.NET Core binds JSON that way: two keys differing in case are
 * ambiguous); arrays and objects are not single values.
 */
function parseJson(raw: Buffer): ParsedFields {
  let text: string;
  let body: unknown;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(raw);
    body = JSON.parse(text);
  } catch {
    return { ok: false, finding: 'body_malformed' };
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return { ok: false, finding: 'body_malformed' };
  if (hasDuplicateKey(text)) return { ok: false, finding: 'field_malformed' };
  return {
    ok: true,
    values(name) {
      let value: unknown = body;
      for (const key of name.split('.')) {
        if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
        const matching = Object.keys(value).filter((k) => fieldKey(k) === fieldKey(key));
        if (matching.length === 0) return [];
        if (matching.length > 1) return AMBIGUOUS;
        value = (value as Record<string, unknown>)[matching[0]!];
      }
      if (typeof value === 'string') return [value];
      if (typeof value === 'number' || typeof value === 'boolean') return [String(value)];
      if (value === null || value === undefined) return [];
      // An array or object where one value is expected is as ambiguous as a repeated field.
      return AMBIGUOUS;
    },
  };
}

/**
 * The posted fields of an approval, read once and one way (issue 17): no Content-Encoding but
 * identity, a charset every back end decodes alike, the body type of the rule. The URL's query
 * parameters count as fields too (servlet and ASP.NET back ends read `?amaun=` as the field), and
 * a request with no body has only those. Anything a lenient reader would read otherwise is refused.
 */
export async function parseFields(rule: GateRule, headers: IncomingHttpHeaders, raw: Buffer, url: URL): Promise<ParsedFields> {
  const encoding = headers['content-encoding'];
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') return { ok: false, finding: 'body_encoded' };
  const store = fieldStore();
  for (const [name, value] of url.searchParams) {
    if (hasControl(name) || hasControl(value, true)) return { ok: false, finding: 'field_malformed' };
    store.add(name, value);
  }
  const declared = headers['content-type'];
  if (raw.length === 0 && declared === undefined) return { ok: true, values: store.values };
  const media = parseMediaType(declared ?? '');
  if (!media || !CONTENT_TYPES[rule.body].test(media.type)) return { ok: false, finding: 'body_type' };
  const charsetName = media.params.get('charset')?.toLowerCase();
  if (rule.body === 'json') {
    if (charsetName !== undefined && !JSON_CHARSETS.has(charsetName)) return { ok: false, finding: 'charset_unsupported' };
    const parsed = parseJson(raw);
    if (!parsed.ok) return parsed;
    // Query parameters first: a back end may read either copy.
    return { ok: true, values: (name) => [...store.values(name), ...parsed.values(name)] };
  }
  const charset = charsetName === undefined ? 'utf8' : FORM_CHARSETS.get(charsetName);
  if (charset === undefined) return { ok: false, finding: 'charset_unsupported' };
  if (rule.body === 'form') {
    const read = parseUrlencoded(raw, charset, store.add);
    if (read !== true) return { ok: false, finding: read };
  } else {
    const boundary = media.params.get('boundary');
    if (!boundary) return { ok: false, finding: 'body_type' };
    const read = await parseMultipart(headers, raw, boundary, charset, store.add);
    if (read !== true) return read;
  }
  // `_charset_` (HTML's charset field) switches some back ends to another decoder.
  const named = store.values('_charset_');
  if (named.some((c) => !FORM_CHARSETS.has(c.trim().toLowerCase()))) return { ok: false, finding: 'charset_unsupported' };
  return { ok: true, values: store.values };
}
