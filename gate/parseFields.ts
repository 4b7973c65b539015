import busboy from 'busboy';
import type { IncomingHttpHeaders } from 'node:http';
import type { GateRule } from './config.js';

/** The values a posted field has: none (absent), one, or several (repeated: ambiguous). */
export type FieldValues = (name: string) => string[];

export type ParsedFields = { ok: true; values: FieldValues } | { ok: false; finding: 'body_type' | 'body_malformed' };

/** Two values: what a field that cannot be read as one value reads as. */
const AMBIGUOUS = ['[not a single value]', '[not a single value]'];

const CONTENT_TYPES: Record<GateRule['body'], RegExp> = {
  form: /^application\/x-www-form-urlencoded(\s*;|$)/i,
  multipart: /^multipart\/form-data\s*;/i,
  json: /^application\/(?:[\w.+-]+\+)?json(\s*;|$)/i,
};

/**
 * Form and multipart bodies through busboy (a maintained streaming parser), fields only. Names
 * are compared case-blind, and the URL's query parameters count too: servlet and ASP.NET back
 * ends read `?amaun=` and `Amaun` as the same field, so a second copy there is a repeat.
 */
function parseForm(headers: IncomingHttpHeaders, raw: Buffer, url: URL): Promise<ParsedFields> {
  return new Promise((resolve) => {
    const fields = new Map<string, string[]>();
    const add = (name: string, value: string) => fields.set(name.toLowerCase(), [...(fields.get(name.toLowerCase()) ?? []), value]);
    let failed = false;
    const fail = () => {
      if (!failed) resolve({ ok: false, finding: 'body_malformed' });
      failed = true;
    };
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers, defParamCharset: 'utf8', limits: { fieldSize: raw.length + 1, fields: 10_000, parts: 10_000 } });
    } catch {
      fail();
      return;
    }
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated || info.nameTruncated) return fail();
      add(name, value);
    });
    // Files are not document fields here: read past them.
    parser.on('file', (_name, stream) => stream.resume());
    parser.on('fieldsLimit', fail);
    parser.on('partsLimit', fail);
    parser.on('error', fail);
    parser.on('close', () => {
      if (failed) return;
      for (const [name, value] of url.searchParams) add(name, value);
      resolve({ ok: true, values: (name) => fields.get(name.toLowerCase()) ?? [] });
    });
    parser.end(raw);
  });
}

/**
 * A JSON body: `a.b` reads nested properties, keys compared case-blind (ASP.NET Core binds JSON
 * that way: two keys differing in case are ambiguous); arrays and objects are not single values.
 */
function parseJson(raw: Buffer): ParsedFields {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return { ok: false, finding: 'body_malformed' };
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return { ok: false, finding: 'body_malformed' };
  return {
    ok: true,
    values(name) {
      let value: unknown = body;
      for (const key of name.split('.')) {
        if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
        const matching = Object.keys(value).filter((k) => k.toLowerCase() === key.toLowerCase());
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

/** The posted fields of an approval body of the rule's type; the wrong type is a finding. */
export async function parseFields(rule: GateRule, headers: IncomingHttpHeaders, raw: Buffer, url: URL): Promise<ParsedFields> {
  if (!CONTENT_TYPES[rule.body].test(headers['content-type'] ?? '')) return { ok: false, finding: 'body_type' };
  return rule.body === 'json' ? parseJson(raw) : parseForm(headers, raw, url);
}
