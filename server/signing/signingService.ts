import crypto from 'node:crypto';
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import { RoamSignError } from '../../shared/errors.js';
import type { Lang } from '../../shared/i18n/index.js';
import type {
  CompleteSigningRequest,
  CompletedSigningRequest,
  CreateSigningRequest,
  CreatedSigningRequest,
  SigningRequestView,
  SigningStatus,
} from '../../shared/schemas/signingRequest.js';
import type { SystemId } from '../../shared/systems.js';
import type { AuditLog } from '../audit/auditLog.js';
import type { CertificateAuthority } from '../ca/certificateAuthority.js';
import { createCmsBatch } from '../cms/batchSigner.js';
import { columnPlaceholders, type Db } from '../db/client.js';
import { officers, signatures, signingRequests, type StoredDocument } from '../db/schema.js';
import { composeOtpMessage } from '../notify/otpMessage.js';
import type { Outbox } from '../notify/outbox.js';
import { generateOtp, hashOtp, OTP_LENGTH, OTP_MAX_ATTEMPTS, otpMatches } from '../otp/otp.js';
import { allOriginsFor } from '../registry/systems.js';
import { findOfficer, latestCertificate, roamingReady, type Officer } from '../registry/officers.js';
import type { Vault } from '../vault/vault.js';
import { verificationCode } from './verificationCode.js';
import { checkOwnSignatures } from './checkOwnSignatures.js';
// Lifecycle (issue 5): staff movement and inactivity.
import { recordActivity } from '../lifecycle/inactivity.js';
import { checkSigningStanding } from '../lifecycle/standing.js';

/** DESIGN.md: 5 consecutive wrong PINs lock the officer. */
export const PIN_MAX_FAILURES = 5;
/** How long a request may be revived by re-sending its OTP. */
const REQUEST_LIFETIME_MS = 15 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;
const SIGNING_WAIT_MS = 10_000;
const SIGNING_POLL_MS = 20;

type RequestRow = typeof signingRequests.$inferSelect;
/** What `signing_requests.result` holds: the completion's answer without its signatures. */
type StoredResult = Omit<CompletedSigningRequest, 'signatures'>;

export interface SigningPolicy {
  otpTtlSeconds: number;
  otpMaxResends: number;
  otpResendCooldownSeconds: number;
  otpSendsPerHour: number;
  allowedOrigins: string[];
}

export interface SigningServiceDeps {
  db: Db;
  vault: Vault;
  ca: CertificateAuthority;
  outbox: Outbox;
  audit: AuditLog;
  otpKey: Buffer;
  policy: SigningPolicy;
  now: () => number;
  randomInt?: (max: number) => number;
}

/** Who is calling: the browser origin (null for server-to-server calls) and the language of messages. */
export interface Caller {
  origin: string | null;
  lang: Lang;
  /** The registered system a Bearer token acts for (API.md "Caller authentication"); it acts for that system only. */
  client?: { clientId: string; system: string };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createSigningService(deps: SigningServiceDeps) {
  const { db, vault, ca, outbox, audit, otpKey, policy, now } = deps;

  // The queries of every create and complete, prepared once (drizzle would build and SQLite
  // prepare each of them again on every call). Rare paths keep plain drizzle calls.
  const p = sql.placeholder;
  const q = {
    load: db.select().from(signingRequests).where(eq(signingRequests.id, p('id'))).prepare(),
    sendsSince: db
      .select({ sends: sql<number>`coalesce(sum(${signingRequests.otpSends}), 0)` })
      .from(signingRequests)
      .where(and(eq(signingRequests.nric, p('nric')), gt(signingRequests.createdAt, p('since'))))
      .prepare(),
    insert: db.insert(signingRequests).values(columnPlaceholders(signingRequests)).prepare(),
    consume: db
      .update(signingRequests)
      .set({ status: 'signing', otpHash: null, consumedOtpHash: sql`${p('hash')}` })
      .where(and(eq(signingRequests.id, p('id')), eq(signingRequests.status, 'pending'), eq(signingRequests.otpHash, p('hash'))))
      .prepare(),
    // Up to 500 rows per completion: a plain better-sqlite3 statement, without drizzle's per-row mapping.
    insertSignature: db.$client.prepare<[string, string, string, Buffer, string, number]>(
      'insert into signatures (request_id, document_id, digest, cms, certificate_serial, created_at) values (?, ?, ?, ?, ?, ?)',
    ),
    markSigned: db
      .update(signingRequests)
      // Placeholders in `set` skip the column mapping: `resultJson` is the JSON text itself.
      .set({ status: 'signed', signedAt: sql`${p('signedAt')}`, result: sql`${p('resultJson')}` })
      .where(eq(signingRequests.id, p('id')))
      .prepare(),
    signaturesOf: db
      .select({ documentId: signatures.documentId, cms: signatures.cms, certificateSerial: signatures.certificateSerial })
      .from(signatures)
      .where(eq(signatures.requestId, p('id')))
      .orderBy(asc(signatures.id))
      .prepare(),
  };

  function load(id: string): RequestRow {
    const row = q.load.get({ id });
    if (!row) throw new RoamSignError('not_found');
    return row;
  }

  /** A browser may act on a request only from the origin that created it; a system's token only on its own system's. */
  function checkSameOrigin(row: RequestRow, caller: Caller): void {
    if (caller.client && caller.client.system !== row.system) throw new RoamSignError('forbidden', { reason: 'other_system' });
    if (caller.origin !== null && caller.origin !== row.origin) throw new RoamSignError('origin_not_allowed');
  }

  const allowedOrigins = (system: SystemId) => allOriginsFor(db, system, policy.allowedOrigins);

  function viewStatus(row: RequestRow): SigningStatus {
    if (row.status === 'signing') return 'pending';
    if (row.status === 'pending' && now() >= row.otpExpiresAt) return 'expired';
    return row.status;
  }

  function sendsInLastHour(nric: string): number {
    return q.sendsSince.get({ nric, since: now() - HOUR_MS })?.sends ?? 0;
  }

  function checkOfficerCanSign(officer: Officer): void {
    // Lifecycle: not active, or retired / role ended from the effective date -> forbidden.
    checkSigningStanding(db, officer, now());
    if (!officer.media.includes('roaming')) throw new RoamSignError('medium_not_roaming');
    if (officer.pinLockedAt !== null) throw new RoamSignError('pin_locked');
    const cert = latestCertificate(db, officer.nric);
    if (cert?.revokedAt != null) throw new RoamSignError('certificate_revoked');
    if (!roamingReady(officer, cert, now())) throw new RoamSignError('medium_not_roaming');
  }

  async function sendOtp(row: RequestRow, officer: Officer, otp: string, lang: Lang, preferred: 'push' | 'email' | undefined) {
    const message = composeOtpMessage({
      lang,
      system: row.system as SystemId,
      documents: row.documents,
      otp,
      verificationCode: row.verificationCode,
      expiresAt: new Date(row.otpExpiresAt),
      ttlSeconds: policy.otpTtlSeconds,
    });
    try {
      return await outbox.deliverOtp({
        recipient: { nric: officer.nric, email: officer.email },
        preferred,
        subject: message.subject,
        text: message.text,
        otp,
        requestId: row.id,
      });
    } catch (error) {
      db.transaction(() => {
        db.update(signingRequests)
          .set({ status: 'failed', failureCode: 'delivery_failed', otpHash: null })
          .where(eq(signingRequests.id, row.id))
          .run();
        audit.append({ actor: 'system', action: 'otp.delivery_failed', subject: row.id, details: {} });
      });
      throw new RoamSignError('internal', { reason: 'otp_delivery_failed' }, { cause: error });
    }
  }

  function created(row: RequestRow): CreatedSigningRequest {
    return {
      id: row.id,
      status: 'pending',
      expiresAt: new Date(row.otpExpiresAt).toISOString(),
      channel: row.channel,
      destination: row.destination,
      otpLength: OTP_LENGTH,
      verificationCode: row.verificationCode,
      resendAvailableAt: new Date(row.lastOtpSentAt + policy.otpResendCooldownSeconds * 1000).toISOString(),
    };
  }

  /** Waits for another completion of the same request that is signing right now. */
  async function awaitSigned(id: string): Promise<RequestRow> {
    const deadline = Date.now() + SIGNING_WAIT_MS;
    let row = load(id);
    while (row.status === 'signing' && Date.now() < deadline) {
      await sleep(SIGNING_POLL_MS);
      row = load(id);
    }
    return row;
  }

  /**
   * A request that already signed answers an identical completion with the same body (API.md). The
   * stored result leaves out the signatures (up to 500 CMS, each already in `signatures`): they are
   * put back from there, in signing order. Results stored whole by earlier versions are kept as is.
   */
  function answerSettled(row: RequestRow, otp: string): CompletedSigningRequest {
    if (row.status === 'signed' && otpMatches(otpKey, row.id, otp, row.consumedOtpHash)) {
      const stored = row.result as StoredResult & { signatures?: CompletedSigningRequest['signatures'] };
      if (stored.signatures) return stored as CompletedSigningRequest;
      return {
        id: stored.id,
        status: stored.status,
        signedAt: stored.signedAt,
        signatures: q.signaturesOf.all({ id: row.id }).map((s) => ({
          documentId: s.documentId,
          signature: s.cms.toString('base64'),
          certificateSerial: s.certificateSerial,
        })),
        verification: stored.verification,
      };
    }
    throw new RoamSignError('request_not_pending', { status: viewStatus(row) });
  }

  async function signDocuments(row: RequestRow): Promise<CompletedSigningRequest> {
    const cert = latestCertificate(db, row.nric);
    if (!cert || cert.revokedAt !== null) throw new RoamSignError('certificate_revoked');
    const signedAt = new Date(now());
    const digests = row.documents.map((d) => Buffer.from(d.digest, 'base64'));
    const batch = createCmsBatch(cert.der, signedAt, digests);
    const rawSignatures = await vault.sign(cert.keyRef, batch.toBeSigned);
    const cmsList = batch.assemble(rawSignatures);

    const valid = await checkOwnSignatures({
      ca,
      certificateDer: cert.der,
      certificateSerial: cert.serial,
      toBeSigned: batch.toBeSigned,
      signatures: rawSignatures,
      now: now(),
    });

    const result: CompletedSigningRequest = {
      id: row.id,
      status: 'signed',
      signedAt: signedAt.toISOString(),
      signatures: row.documents.map((doc, i) => ({
        documentId: doc.id,
        signature: cmsList[i]!.toString('base64'),
        certificateSerial: cert.serial,
      })),
      verification: { valid, checkedAt: new Date(now()).toISOString() },
    };
    const stored: StoredResult = { id: result.id, status: result.status, signedAt: result.signedAt, verification: result.verification };
    db.transaction(() => {
      row.documents.forEach((doc, i) =>
        q.insertSignature.run(row.id, doc.id, doc.digest, cmsList[i]!, cert.serial, signedAt.getTime()),
      );
      q.markSigned.run({ id: row.id, signedAt: signedAt.getTime(), resultJson: JSON.stringify(stored) });
      recordActivity(db, row.nric, signedAt.getTime()); // lifecycle: a signature is activity (90-day rule)
      audit.append({
        actor: row.nric,
        action: 'request.signed',
        subject: row.id,
        details: { documents: row.documents.length, certificateSerial: cert.serial, valid },
      });
    });
    return result;
  }

  return {
    /** Creates a signing request bound to officer, system, origin and documents, and sends its OTP. */
    async create(input: CreateSigningRequest, caller: Caller): Promise<CreatedSigningRequest> {
      if (caller.client && caller.client.system !== input.system) throw new RoamSignError('forbidden', { reason: 'other_system', system: input.system });
      const officer = findOfficer(db, input.nric);
      if (!officer) throw new RoamSignError('user_not_found');
      if (caller.origin !== null && !allowedOrigins(input.system).includes(caller.origin)) {
        throw new RoamSignError('origin_not_allowed', { system: input.system });
      }
      checkOfficerCanSign(officer);

      const documents: StoredDocument[] = input.documents.map((d) => ({
        id: d.id,
        digest: d.digest,
        ...(d.summary ? { summary: d.summary } : {}),
      }));
      const id = `sr_${crypto.randomBytes(16).toString('base64url')}`;
      const otp = generateOtp(deps.randomInt);
      const at = now();
      const route = outbox.route({ nric: officer.nric, email: officer.email }, input.channel);
      const row: RequestRow = {
        id,
        nric: officer.nric,
        system: input.system,
        origin: caller.origin,
        documents,
        channel: route.channel,
        destination: route.destination,
        verificationCode: verificationCode({ nric: officer.nric, system: input.system, origin: caller.origin, documents }),
        status: 'pending',
        failureCode: null,
        otpHash: hashOtp(otpKey, id, otp),
        consumedOtpHash: null,
        otpExpiresAt: at + policy.otpTtlSeconds * 1000,
        otpAttempts: 0,
        otpSends: 1,
        lastOtpSentAt: at,
        createdAt: at,
        signedAt: null,
        result: null,
      };
      // The hourly limit and the insert are one synchronous transaction: concurrent creates cannot both slip under it.
      db.transaction(() => {
        if (sendsInLastHour(officer.nric) >= policy.otpSendsPerHour) {
          throw new RoamSignError('rate_limited', { limit: policy.otpSendsPerHour, window: 'hour' });
        }
        q.insert.run(row);
        audit.append({
          actor: officer.nric,
          action: 'request.created',
          subject: id,
          details: { system: input.system, origin: caller.origin, client: caller.client?.clientId ?? null, documents: documents.length },
        });
      });

      const delivered = await sendOtp(row, officer, otp, caller.lang, input.channel);
      if (delivered.channel !== row.channel || delivered.destination !== row.destination) {
        db.update(signingRequests).set({ channel: delivered.channel, destination: delivered.destination }).where(eq(signingRequests.id, id)).run();
        row.channel = delivered.channel;
        row.destination = delivered.destination;
      }
      audit.append({ actor: 'system', action: 'otp.sent', subject: id, details: { channel: delivered.channel } });
      return created(row);
    },

    get(id: string, caller: Caller): SigningRequestView {
      const row = load(id);
      checkSameOrigin(row, caller);
      return {
        id: row.id,
        status: viewStatus(row),
        system: row.system,
        origin: row.origin,
        expiresAt: new Date(row.otpExpiresAt).toISOString(),
        createdAt: new Date(row.createdAt).toISOString(),
        signedAt: row.signedAt === null ? null : new Date(row.signedAt).toISOString(),
        channel: row.channel,
        destination: row.destination,
        verificationCode: row.verificationCode,
        documents: row.documents.map((d) => ({ id: d.id, ...(d.summary ? { summary: d.summary } : {}) })),
      };
    },

    /** A new OTP for the same request; the previous one dies at once. */
    async resendOtp(id: string, caller: Caller): Promise<CreatedSigningRequest> {
      const row = load(id);
      checkSameOrigin(row, caller);
      if (row.status !== 'pending') throw new RoamSignError('request_not_pending', { status: viewStatus(row) });
      const at = now();
      if (at - row.createdAt > REQUEST_LIFETIME_MS) throw new RoamSignError('request_not_pending', { status: 'expired' });
      if (row.otpSends > policy.otpMaxResends) throw new RoamSignError('rate_limited', { limit: policy.otpMaxResends, window: 'request' });
      const wait = row.lastOtpSentAt + policy.otpResendCooldownSeconds * 1000 - at;
      if (wait > 0) throw new RoamSignError('rate_limited', { retryAfterSeconds: Math.ceil(wait / 1000) });
      const officer = findOfficer(db, row.nric);
      if (!officer) throw new RoamSignError('user_not_found');
      checkOfficerCanSign(officer);

      const otp = generateOtp(deps.randomInt);
      const next = { ...row, otpHash: hashOtp(otpKey, id, otp), otpExpiresAt: at + policy.otpTtlSeconds * 1000, lastOtpSentAt: at, otpSends: row.otpSends + 1 };
      db.transaction(() => {
        if (sendsInLastHour(officer.nric) >= policy.otpSendsPerHour) {
          throw new RoamSignError('rate_limited', { limit: policy.otpSendsPerHour, window: 'hour' });
        }
        // Compare-and-set on the send count: of two concurrent re-sends only one wins.
        const changed = db
          .update(signingRequests)
          .set({ otpHash: next.otpHash, otpExpiresAt: next.otpExpiresAt, lastOtpSentAt: at, otpSends: next.otpSends })
          .where(and(eq(signingRequests.id, id), eq(signingRequests.status, 'pending'), eq(signingRequests.otpSends, row.otpSends)))
          .run().changes;
        if (changed !== 1) throw new RoamSignError('rate_limited', { reason: 'concurrent_resend' });
        audit.append({ actor: officer.nric, action: 'otp.resent', subject: id, details: { sends: next.otpSends } });
      });
      await sendOtp(next, officer, otp, caller.lang, row.channel);
      return created(next);
    },

    /** Checks PIN and OTP, consumes the OTP atomically, signs every document, verifies. */
    async complete(id: string, input: CompleteSigningRequest, caller: Caller): Promise<CompletedSigningRequest> {
      let row = load(id);
      checkSameOrigin(row, caller);
      if (row.status === 'signing') row = await awaitSigned(id);
      if (row.status !== 'pending') return answerSettled(row, input.otp);

      const officer = findOfficer(db, row.nric);
      if (!officer) throw new RoamSignError('user_not_found');
      // Lifecycle: a suspension or movement effective since the request was created refuses too.
      checkSigningStanding(db, officer, now());
      if (officer.pinLockedAt !== null) throw new RoamSignError('pin_locked');
      if (now() >= row.otpExpiresAt) throw new RoamSignError('otp_expired');

      // The OTP is checked before the PIN: without the OTP nobody can spend the officer's PIN tries.
      if (!otpMatches(otpKey, id, input.otp, row.otpHash)) {
        const attempts = db.transaction(() => {
          const updated = db
            .update(signingRequests)
            .set({ otpAttempts: sql`${signingRequests.otpAttempts} + 1` })
            .where(and(eq(signingRequests.id, id), eq(signingRequests.status, 'pending')))
            .returning({ attempts: signingRequests.otpAttempts })
            .get();
          if (!updated) return null;
          if (updated.attempts >= OTP_MAX_ATTEMPTS) {
            db.update(signingRequests)
              .set({ status: 'failed', failureCode: 'otp_attempts_exceeded', otpHash: null })
              .where(eq(signingRequests.id, id))
              .run();
          }
          audit.append({ actor: row.nric, action: 'otp.wrong', subject: id, details: { attempts: updated.attempts } });
          return updated.attempts;
        });
        if (attempts === null) return answerSettled(await awaitSigned(id), input.otp);
        if (attempts >= OTP_MAX_ATTEMPTS) throw new RoamSignError('otp_attempts_exceeded');
        throw new RoamSignError('otp_invalid', { attemptsLeft: OTP_MAX_ATTEMPTS - attempts });
      }

      const pinOk = officer.pinVerifier !== null && (await vault.verifyPin(input.pin, officer.pinVerifier));
      if (!pinOk) {
        const failures = db.transaction(() => {
          const updated = db
            .update(officers)
            .set({ pinFailures: sql`${officers.pinFailures} + 1` })
            .where(eq(officers.nric, officer.nric))
            .returning({ failures: officers.pinFailures, lockedAt: officers.pinLockedAt })
            .get()!;
          audit.append({ actor: officer.nric, action: 'pin.wrong', subject: id, details: { failures: updated.failures } });
          if (updated.failures >= PIN_MAX_FAILURES && updated.lockedAt === null) {
            db.update(officers).set({ pinLockedAt: now() }).where(eq(officers.nric, officer.nric)).run();
            audit.append({ actor: 'system', action: 'pin.locked', subject: officer.nric, details: {} });
          }
          return updated.failures;
        });
        if (failures >= PIN_MAX_FAILURES) throw new RoamSignError('pin_locked');
        throw new RoamSignError('pin_invalid', { attemptsLeft: PIN_MAX_FAILURES - failures });
      }

      // Consume: only the completion that flips pending -> signing with this OTP signs.
      const consumedHash = hashOtp(otpKey, id, input.otp);
      const won = db.transaction(() => {
        const fresh = findOfficer(db, officer.nric)!;
        if (fresh.pinLockedAt !== null) throw new RoamSignError('pin_locked');
        checkSigningStanding(db, fresh, now()); // lifecycle: re-checked atomically with the OTP's consumption
        const changed = q.consume.run({ id, hash: consumedHash }).changes;
        if (changed === 1) {
          if (fresh.pinFailures > 0) db.update(officers).set({ pinFailures: 0 }).where(eq(officers.nric, officer.nric)).run();
          audit.append({ actor: officer.nric, action: 'otp.consumed', subject: id, details: {} });
        }
        return changed === 1;
      });
      if (!won) {
        const settled = await awaitSigned(id);
        if (settled.status === 'pending') throw new RoamSignError('otp_invalid', { attemptsLeft: OTP_MAX_ATTEMPTS - settled.otpAttempts });
        return answerSettled(settled, input.otp);
      }

      try {
        return await signDocuments(row);
      } catch (error) {
        const code = error instanceof RoamSignError ? error.code : 'internal';
        db.transaction(() => {
          db.update(signingRequests).set({ status: 'failed', failureCode: code }).where(eq(signingRequests.id, id)).run();
          audit.append({ actor: 'system', action: 'request.failed', subject: id, details: { code } });
        });
        throw error instanceof RoamSignError ? error : new RoamSignError('internal', undefined, { cause: error });
      }
    },

    /** The officer closed the dialog: the request and its OTP die. */
    cancel(id: string, caller: Caller): SigningRequestView {
      const row = load(id);
      checkSameOrigin(row, caller);
      const changed = db.transaction(() => {
        const n = db
          .update(signingRequests)
          .set({ status: 'cancelled', otpHash: null })
          .where(and(eq(signingRequests.id, id), eq(signingRequests.status, 'pending')))
          .run().changes;
        if (n === 1) audit.append({ actor: row.nric, action: 'request.cancelled', subject: id, details: {} });
        return n;
      });
      if (changed !== 1) throw new RoamSignError('request_not_pending', { status: viewStatus(load(id)) });
      return this.get(id, caller);
    },
  };
}

export type SigningService = ReturnType<typeof createSigningService>;
