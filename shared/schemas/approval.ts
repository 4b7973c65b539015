import { z } from 'zod';
import { base64Schema, nricSchema, sha256Base64Schema } from './common.js';
import { requestIdSchema } from './signingRequest.js';

/** What a gate may find wrong with a post before RoamSign sees a signature; RoamSign records it as the refusal. */
export const GATE_FINDINGS = [
  'body_too_large',
  'body_malformed',
  'body_type',
  'field_repeated',
  'document_incomplete',
  'officer_missing',
  /** Issue 17: what a back end could read otherwise than the gate. A request target that is not one plain path. */
  'target_malformed',
  /** A Content-Encoding other than identity (or a part's transfer encoding). */
  'body_encoded',
  /** A charset other than UTF-8, US-ASCII or ISO-8859-1 (UTF-8 only for JSON), on the body or a part. */
  'charset_unsupported',
  /** A control character, a `;` separator, a key given twice in JSON, a marker that folds differently. */
  'field_malformed',
  /** The URL names another document than the posted (signed) fields. */
  'url_mismatch',
] as const;
export type GateFinding = (typeof GATE_FINDINGS)[number];

/** What a rule lets through for officers whose medium is `token` when the post carries no RoamSign signature. */
export const TOKEN_OFFICER_POLICIES = ['refuse', 'pass', 'require_field'] as const;
export type TokenOfficerPolicy = (typeof TOKEN_OFFICER_POLICIES)[number];

/** Why an approval is refused: stable codes, shown to the officer by the gate in BM or EN. */
export const APPROVAL_REFUSALS = [
  ...GATE_FINDINGS,
  'unsigned',
  'officer_unknown',
  'token_not_allowed',
  'token_signature_missing',
  'signature_malformed',
  'request_unknown',
  'wrong_system',
  'request_not_signed',
  'officer_mismatch',
  'document_mismatch',
  'signature_mismatch',
  'signature_invalid',
  'certificate_revoked',
  'certificate_invalid',
  'stale',
  'replay',
  /** Too many anonymous refusals from the post's source this minute (issue 17). */
  'rate_limited',
] as const;
export type ApprovalRefusal = (typeof APPROVAL_REFUSALS)[number];

/** A detached CMS is a few KB; leave room for a longer chain. */
const MAX_CMS_BASE64 = 64 * 1024;

/**
 * POST /api/v1/approvals: what a RoamSign Gate found in one approval post, for RoamSign to decide.
 * The gate recomputes the canonical document from the posted fields (shared/document.ts) and
 * sends its SHA-256; it never sends the posted values themselves.
 */
export const approvalRequestSchema = z.strictObject({
  /** The gate rule that matched (recorded in the audit). */
  rule: z.string().min(1).max(100),
  /** The officer the post (or the legacy session) names; null when the gate found none. */
  officer: nricSchema.nullable(),
  /** The canonical document recomputed from the posted fields. */
  document: z.strictObject({ id: z.string().max(200).optional(), digest: sha256Base64Schema }).nullable(),
  /** The RoamSign signature fields the post carried, or null when it carried none. */
  signature: z
    .strictObject({
      requestId: requestIdSchema,
      documentId: z.string().min(1).max(200).optional(),
      cms: base64Schema.max(MAX_CMS_BASE64),
    })
    .nullable(),
  /** The rule's policy for token officers, and whether the post carries the legacy signature field it names. */
  tokenOfficers: z.strictObject({ policy: z.enum(TOKEN_OFFICER_POLICIES), fieldPresent: z.boolean().optional() }),
  /** How old a signature may be (the rule's freshness window). */
  maxAgeSeconds: z.number().int().min(1).max(24 * 60 * 60),
  /** Set when the gate already found the post unacceptable. */
  finding: z.enum(GATE_FINDINGS).optional(),
  /** The address the post came from, as the gate saw it: anonymous refusals are counted and aggregated per source. */
  source: z.string().min(1).max(64).optional(),
});
export type ApprovalRequest = z.infer<typeof approvalRequestSchema>;

/** The decision: pass (recorded as the first use) or refuse with a stable reason. */
export const approvalDecisionSchema = z.discriminatedUnion('decision', [
  z.strictObject({
    decision: z.literal('pass'),
    /** The recorded first use; null for a token officer let through by the rule. */
    approvalId: z.string().nullable(),
    officer: z.string(),
    medium: z.enum(['roaming', 'token']),
    requestId: z.string().nullable(),
    documentId: z.string().nullable(),
  }),
  z.strictObject({ decision: z.literal('refuse'), reason: z.enum(APPROVAL_REFUSALS) }),
]);
export type ApprovalDecision = z.infer<typeof approvalDecisionSchema>;

/**
 * POST /api/v1/approvals/{approvalId}/release: the gate gives a passed approval back because its
 * back end did not take it (a 5xx status, or no answer: `error` names the failure).
 */
export const approvalReleaseSchema = z.strictObject({
  upstream: z.union([z.strictObject({ status: z.number().int().min(500).max(599) }), z.strictObject({ error: z.string().min(1).max(100) })]),
});
export type ApprovalRelease = z.infer<typeof approvalReleaseSchema>;
