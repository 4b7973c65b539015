import crypto from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { canonicalDocumentBytes } from '../shared/document.js';
import type { ApprovalRequest, GateFinding } from '../shared/schemas/approval.js';
import { base64Schema } from '../shared/schemas/common.js';
import { requestIdSchema } from '../shared/schemas/signingRequest.js';
import type { GateRule } from './config.js';
import { fieldKey, hasControl, type FieldValues } from './parseFields.js';

export type Collected = { approval: false } | { approval: true; request: ApprovalRequest };

/** Looks the officer up in the legacy session (the `session` officer source). */
export type SessionOfficer = (path: string, property: string) => Promise<string | undefined>;

type One = { value: string } | { absent: true } | { repeated: true };

function one(values: string[]): One {
  if (values.length === 0) return { absent: true };
  if (values.length > 1) return { repeated: true };
  return { value: values[0]! };
}

/** "900101-01-1234" -> "900101011234"; anything but 12 digits is no officer. */
function nricOf(value: string | undefined): string | null {
  const digits = (value ?? '').replace(/[\s-]/g, '');
  return /^\d{12}$/.test(digits) ? digits : null;
}

/** A query parameter's values, its name read as the lenient readers read it (parseFields.ts fieldKey). */
const queryValues = (url: URL, name: string) => [...url.searchParams].filter(([n]) => fieldKey(n) === fieldKey(name)).map(([, v]) => v);

/** Spaces and tabs at the ends: every trim drops them. */
const asciiTrim = (value: string) => value.replace(/^[ \t]+|[ \t]+$/g, '');

/**
 * A marker value as the most lenient reader compares it: anything Java's `trim()` or JavaScript's
 * `trim()` drops at the ends dropped, and each character case-folded both ways, as Java's
 * `equalsIgnoreCase` does (so `ſah` is `sah` and `\u212Aelulusan` is `kelulusan`).
 */
export function foldMarker(value: string): string {
  const trimmed = value.replace(/^[\u0000-\u0020\s\u0085\u200b]+|[\u0000-\u0020\s\u0085\u200b]+$/g, '');
  return [...trimmed].map((c) => c.toUpperCase().toLowerCase()).join('');
}

/** The marker as every reader reads it: printable ASCII (spaces and tabs at the ends aside). */
const plainMarker = (value: string) => /^[\x20-\x7e]*$/.test(asciiTrim(value)) && !/^ | $/.test(asciiTrim(value));

async function officerOf(rule: GateRule, fields: FieldValues, url: URL, headers: IncomingHttpHeaders, session: SessionOfficer): Promise<One> {
  const source = rule.officer;
  if ('field' in source) return one(fields(source.field));
  if ('query' in source) {
    const found = one(queryValues(url, source.query));
    return 'absent' in found && source.default !== undefined ? { value: source.default } : found;
  }
  if ('header' in source) {
    const value = headers[source.header.toLowerCase()];
    return one(value === undefined ? [] : Array.isArray(value) ? value : [value]);
  }
  const value = await session(source.session.path, source.session.property);
  return one(value === undefined ? [] : [value]);
}

/**
 * Reads one post the way the rule describes it: is it an approval, who is the officer, what is
 * the document (recomputed canonically from the posted fields, shared/document.ts) and which
 * RoamSign signature does it carry. A field given twice is refused rather than guessed: the back
 * end might read the other copy.
 */
export async function collectApproval(options: {
  rule: GateRule;
  fields: FieldValues;
  url: URL;
  headers: IncomingHttpHeaders;
  session: SessionOfficer;
  /** The path parameters of the rule's path, from the one canonical reading of the path (requestTarget.ts). */
  params?: Record<string, string>;
}): Promise<Collected> {
  const { rule, fields, url, headers, session, params = {} } = options;
  const findings: GateFinding[] = [];

  if ('field' in rule.marker) {
    // Compared as leniently as any back end compares (trimmed, case-folded both ways): a back end
    // that reads "LULUS" or "ſah" as an approval must not see an unchecked one. A marker that
    // only the lenient readers take for one is refused: the readers disagree.
    const approving = new Set(rule.marker.values.map(foldMarker));
    const marks = fields(rule.marker.field);
    const approvals = marks.filter((v) => approving.has(foldMarker(v)));
    if (approvals.length === 0) return { approval: false };
    if (marks.length > 1) findings.push('field_repeated');
    const plain = new Set(rule.marker.values.map((v) => asciiTrim(v).toLowerCase()));
    if (approvals.some((v) => !plainMarker(v) || !plain.has(asciiTrim(v).toLowerCase()))) findings.push('field_malformed');
  }

  const document: Record<string, string> = {};
  for (const [name, posted] of Object.entries(rule.document)) {
    const found = one(fields(posted));
    if ('repeated' in found) findings.push('field_repeated');
    else if ('absent' in found) findings.push('document_incomplete');
    else if (hasControl(found.value, true)) findings.push('field_malformed');
    else document[name] = found.value;
  }

  // The URL names the document the back end acts on: it must be the posted (signed) one.
  for (const [param, field] of Object.entries(rule.bind?.path ?? {})) {
    if (document[field] !== undefined && params[param] !== document[field]) findings.push('url_mismatch');
  }
  for (const [param, field] of Object.entries(rule.bind?.query ?? {})) {
    const named = one(queryValues(url, param));
    if ('repeated' in named) findings.push('field_repeated');
    else if ('value' in named && document[field] !== undefined && named.value !== document[field]) findings.push('url_mismatch');
  }

  const officerFound = await officerOf(rule, fields, url, headers, session);
  if ('repeated' in officerFound) findings.push('field_repeated');
  if ('value' in officerFound && hasControl(officerFound.value)) findings.push('field_malformed');
  const officer = 'value' in officerFound ? nricOf(officerFound.value) : null;
  if (officer === null) findings.push('officer_missing');

  const names = rule.signatureFields;
  const cms = one(fields(names.signature));
  const requestId = one(fields(names.requestId));
  const documentId = one(fields(names.documentId));
  if ([cms, requestId, documentId].some((f) => 'repeated' in f)) findings.push('field_repeated');
  if ([cms, requestId, documentId].some((f) => 'value' in f && hasControl(f.value))) findings.push('field_malformed');
  let signature: ApprovalRequest['signature'] = null;
  if ('value' in cms && cms.value !== '') {
    const id = 'value' in requestId ? requestId.value : '';
    if (!requestIdSchema.safeParse(id).success || !base64Schema.safeParse(cms.value).success || cms.value.length > 64 * 1024) {
      findings.push('body_malformed');
    } else {
      signature = { requestId: id, cms: cms.value, ...('value' in documentId && documentId.value !== '' ? { documentId: documentId.value.slice(0, 200) } : {}) };
    }
  }

  const complete = Object.keys(document).length === Object.keys(rule.document).length;
  const tokenField = rule.tokenOfficers.field;
  const request: ApprovalRequest = {
    rule: rule.id,
    officer,
    document: complete ? { digest: crypto.createHash('sha256').update(canonicalDocumentBytes(document)).digest('base64') } : null,
    signature,
    tokenOfficers: {
      policy: rule.tokenOfficers.policy,
      ...(tokenField !== undefined ? { fieldPresent: fields(tokenField).length === 1 && fields(tokenField)[0]!.trim() !== '' } : {}),
    },
    maxAgeSeconds: rule.freshnessSeconds,
    ...(findings[0] ? { finding: findings[0] } : {}),
  };
  return { approval: true, request };
}
