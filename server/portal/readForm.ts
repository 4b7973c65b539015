import { RoamSignError } from '../../shared/errors.js';

export type FormFields = Record<string, string | File>;

const utf8 = new TextDecoder('utf-8', { fatal: true });

function refuse(reason: string, cause?: unknown): never {
  throw new RoamSignError('bad_request', { reason }, { cause });
}

/** `application/x-www-form-urlencoded` in UTF-8 (WHATWG URL §5.1), refusing bytes that are not UTF-8. */
function parseUrlencoded(bytes: Uint8Array): FormFields {
  const fields: FormFields = Object.create(null);
  const text = Buffer.from(bytes).toString('latin1');
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const at = pair.indexOf('=');
    const [name, value] = at === -1 ? [pair, ''] : [pair.slice(0, at), pair.slice(at + 1)];
    fields[decodeComponent(name)] = decodeComponent(value);
  }
  return fields;
}

function decodeComponent(raw: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const ch = raw.charCodeAt(i);
    if (ch === 0x2b) bytes.push(0x20);
    else if (ch === 0x25 && /^[0-9A-Fa-f]{2}$/.test(raw.slice(i + 1, i + 3))) {
      bytes.push(parseInt(raw.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(ch);
  }
  try {
    return utf8.decode(new Uint8Array(bytes));
  } catch (error) {
    return refuse('form_not_utf8', error);
  }
}

/**
 * The portal's posted form: urlencoded (UTF-8 only) or multipart. Anything else, a charset other
 * than UTF-8, bytes that are not UTF-8, or a multipart body that is malformed or cut short is
 * `400 bad_request` with the reason, never a 5xx. Field names are plain keys (no prototype).
 */
export async function readForm(request: Request): Promise<FormFields> {
  const type = request.headers.get('content-type') ?? '';
  const [mediaType = '', ...params] = type.split(';').map((part) => part.trim());
  const charset = params.find((p) => /^charset=/i.test(p))?.slice(8).replace(/^"|"$/g, '');
  if (mediaType.toLowerCase() === 'application/x-www-form-urlencoded') {
    if (charset !== undefined && !/^utf-?8$/i.test(charset)) refuse('form_charset');
    return parseUrlencoded(new Uint8Array(await request.arrayBuffer()));
  }
  if (mediaType.toLowerCase() === 'multipart/form-data') {
    let data: FormData;
    try {
      data = await request.formData();
    } catch (error) {
      return refuse('form_malformed', error);
    }
    const fields: FormFields = Object.create(null);
    for (const [name, value] of data) fields[name] = value;
    return fields;
  }
  return refuse('form_content_type');
}
