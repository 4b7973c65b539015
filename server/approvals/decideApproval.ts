import crypto from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { ApprovalDecision, ApprovalRefusal, ApprovalRequest } from '../../shared/schemas/approval.js';
import type { AuditLog } from '../audit/auditLog.js';
import type { CertificateAuthority } from '../ca/certificateAuthority.js';
import type { SystemClient } from '../clients/findAccessToken.js';
import { CmsFormatError } from '../cms/parseDetached.js';
import type { Db } from '../db/database.js';
import { findOfficer, mediumOf } from '../registry/officers.js';
import { tallyRefusal } from '../limits/refusalTally.js';
import { verifySignature } from '../signing/verifySignature.js';

export interface ApprovalDeps {
  db: Db;
  ca: CertificateAuthority;
  audit: AuditLog;
  now: () => number;
  config: { refusalsListedPerMinute: number; anonymousRefusalsPerMinute: number };
  /** Issue 20: whose time-stamp tokens prove a signature's time (the server's time-stamp source). */
  timeStamper?: { trusted: Uint8Array[] };
}

type Refused = Extract<ApprovalDecision, { decision: 'refuse' }>;
type Passed = Extract<ApprovalDecision, { decision: 'pass' }>;

/**
 * Decides one approval post a gate caught (issue 12): it passes only when its signature verifies
 * (signature, chain, revocation) over the document recomputed from the posted fields, was made
 * by the officer the post names for this client's system, belongs to a `signed` signing request
 * of that document, is fresh, and is used for the first time. The first use is recorded under a
 * unique (request, document) key, so of any number of concurrent or later posts one passes.
 * Every decision is audited.
 */
export async function decideApproval(deps: ApprovalDeps, options: { input: ApprovalRequest; client: SystemClient }): Promise<ApprovalDecision> {
  const { db, ca, audit, now } = deps;
  const { approvals, certificates, signatures, signingRequests } = db.t;
  const { input, client } = options;
  const actor = `client:${client.clientId}`;
  const subject = input.signature?.requestId ?? input.officer ?? null;
  const context = { system: client.system, rule: input.rule, officer: input.officer, requestId: input.signature?.requestId ?? null };

  async function refuse(reason: ApprovalRefusal, extra: Record<string, unknown> = {}): Promise<Refused> {
    const entry = { actor, action: 'approval.refused', subject, details: { ...context, reason, ...extra } };
    // Anonymous (no RoamSign signature): counted per source and minute, listed up to a bound, then one row with a count.
    if (input.signature === null) {
      const tallied = await tallyRefusal(deps, {
        kind: `approval:${client.clientId}`,
        source: input.source ?? `client:${client.clientId}`,
        entry,
        policy: { listedPerMinute: deps.config.refusalsListedPerMinute, limitPerMinute: deps.config.anonymousRefusalsPerMinute },
      });
      return { decision: 'refuse', reason: tallied.limited ? 'rate_limited' : reason };
    }
    await audit.append(entry);
    return { decision: 'refuse', reason };
  }

  if (input.finding) return refuse(input.finding);
  if (input.officer === null) return refuse('officer_missing');
  const officerNric = input.officer;
  if (input.document === null) return refuse('document_incomplete');
  const digest = input.document.digest;

  // No RoamSign signature: only a token officer may pass, and only as the rule says.
  if (input.signature === null) {
    const officer = await findOfficer(db, officerNric);
    if (!officer) return refuse('officer_unknown');
    if ((await mediumOf(db, officer, now())).preferred === 'roaming') return refuse('unsigned');
    if (input.tokenOfficers.policy === 'refuse') return refuse('token_not_allowed');
    if (input.tokenOfficers.policy === 'require_field' && input.tokenOfficers.fieldPresent !== true) return refuse('token_signature_missing');
    await audit.append({ actor, action: 'approval.passed', subject, details: { ...context, medium: 'token', policy: input.tokenOfficers.policy } });
    return { decision: 'pass', approvalId: null, officer: officerNric, medium: 'token', requestId: null, documentId: null } satisfies Passed;
  }

  const signature = input.signature;
  const [request] = await db.orm.select().from(signingRequests).where(eq(signingRequests.id, signature.requestId));
  if (!request) return refuse('request_unknown');
  if (request.system !== client.system) return refuse('wrong_system');
  if (request.status !== 'signed' || request.signedAt === null) return refuse('request_not_signed');
  if (request.nric !== officerNric) return refuse('officer_mismatch');
  // The posted fields must be exactly the document that was signed: a changed field, another row
  // or another document gives another digest.
  const document = request.documents.find((d) => d.digest === digest);
  if (!document || (signature.documentId !== undefined && signature.documentId !== document.id)) return refuse('document_mismatch');
  const [used] = await db.orm
    .select({ id: approvals.id })
    .from(approvals)
    .where(and(eq(approvals.requestId, request.id), eq(approvals.documentId, document.id)));
  if (used) return refuse('replay', { approvalId: used.id });

  // The CMS must be the one this request produced for this document (not one of another request).
  const [stored] = await db.orm
    .select({ cms: signatures.cms, certificateSerial: signatures.certificateSerial })
    .from(signatures)
    .where(and(eq(signatures.requestId, request.id), eq(signatures.documentId, document.id)));
  const cms = Buffer.from(signature.cms, 'base64');
  if (!stored || !stored.cms.equals(cms)) return refuse('signature_mismatch');

  let report;
  try {
    report = await verifySignature({
      db,
      ca,
      signature: cms,
      digest: Buffer.from(digest, 'base64'),
      now,
      ...(deps.timeStamper ? { trustedTimeStampAuthorities: deps.timeStamper.trusted } : {}),
    });
  } catch (error) {
    if (error instanceof CmsFormatError) return refuse('signature_malformed');
    throw error;
  }
  if (!report.checks.find((c) => c.name === 'signature')?.ok) return refuse('signature_invalid');
  // The CRL of this process, and the registry itself: a revocation made by another node counts at once.
  const [certificate] = await db.orm.select({ revokedAt: certificates.revokedAt }).from(certificates).where(eq(certificates.serial, stored.certificateSerial));
  if (report.certificate.status === 'revoked' || (certificate && certificate.revokedAt !== null)) return refuse('certificate_revoked');
  if (!report.valid) return refuse('certificate_invalid', { status: report.certificate.status });
  if (report.signer.nric !== officerNric) return refuse('officer_mismatch');
  if (now() - request.signedAt > input.maxAgeSeconds * 1000) return refuse('stale', { signedAt: new Date(request.signedAt).toISOString() });

  const approvalId = `ap_${crypto.randomBytes(16).toString('base64url')}`;
  const recorded = await db.transaction(async () => {
    const [inserted] = await db.orm
      .insert(approvals)
      .values({
        id: approvalId,
        requestId: request.id,
        documentId: document.id,
        nric: officerNric,
        system: client.system,
        clientId: client.clientId,
        rule: input.rule,
        digest,
        approvedAt: now(),
      })
      .onConflictDoNothing()
      .returning({ id: approvals.id });
    if (!inserted) return false;
    await audit.append({ actor, action: 'approval.passed', subject, details: { ...context, approvalId, documentId: document.id, medium: 'roaming' } });
    return true;
  });
  // Another post of the same signature won the unique key between our check and this insert.
  if (!recorded) return refuse('replay');
  return { decision: 'pass', approvalId, officer: officerNric, medium: 'roaming', requestId: request.id, documentId: document.id };
}
