import crypto from 'node:crypto';
import { and, asc, eq, gt, lt, sql } from 'drizzle-orm';
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
import { createProfiledCmsBatch } from '../cms/batchSigner.js';
import type { CmsProfile } from '../cms/signDetached.js';
import type { Db, Tables } from '../db/database.js';
import type { StoredDocument } from '../db/schema.js';
import { composeOtpMessage } from '../notify/otpMessage.js';
import type { Outbox } from '../notify/outbox.js';
import type { RequestOutcome } from '../mobile/pushHub.js';
import { generateOtp, hashOtp, OTP_LENGTH, OTP_MAX_ATTEMPTS, otpMatches } from '../otp/otp.js';
import { allOriginsFor, isRegisteredSystem } from '../registry/systems.js';
import { findOfficer, latestCertificate, roamingReady, type Officer } from '../registry/officers.js';
import type { Vault } from '../vault/vault.js';
import { verificationCode } from './verificationCode.js';
import { checkOwnSignatures } from './checkOwnSignatures.js';
import { checkPinCounted, forgivePinFailures } from './pinAttempts.js';
import { isAbandoned, recoverRequests, SIGNING_LEASE_MS } from './recoverRequests.js';
import { supersedePending } from './supersedePending.js';
// Budgets an attacker cannot spend for the officer (issue 9, docs/security.md).
import { messageBuckets } from '../limits/callerBudgets.js';
import { callerKeyOf, classifyCaller, type CallerClass } from '../limits/classifyCaller.js';
import { refuseSpent } from '../limits/refuseSpent.js';
import { UNKNOWN_REQUESTER, type Requester } from '../limits/requester.js';
import { takeHits } from '../limits/takeHits.js';
// Lifecycle (issue 5): staff movement and inactivity.
import { recordActivity } from '../lifecycle/inactivity.js';
import { checkSigningStanding } from '../lifecycle/standing.js';
// Passkeys (issue 11): a WebAuthn assertion bound to the request in place of the OTP.
import type { CompleteWithPasskey, PasskeyOffer } from '../../shared/schemas/passkey.js';
import { effectivePolicy } from '../passkeys/passkeyPolicy.js';
import { activePasskeys, type Passkey } from '../passkeys/passkeyStore.js';
import type { RelyingParty } from '../passkeys/relyingParty.js';
import { issueSigningChallenge, takeSigningChallenge } from '../passkeys/signingChallenge.js';
import { verifyPasskeyAssertion } from '../passkeys/verifyPasskeyAssertion.js';

export { PIN_MAX_FAILURES } from './pinAttempts.js';
/** How long a request may be revived by re-sending its OTP. */
const REQUEST_LIFETIME_MS = 15 * 60 * 1000;
/** The longest a completion waits for another one of the same request (issue 9: a few seconds at most). */
const SIGNING_WAIT_MS = 3_000;
const SIGNING_POLL_MS = 20;

type RequestRow = Tables['signingRequests']['$inferSelect'];
/** What `signing_requests.result` holds: the completion's answer without its signatures. */
type StoredResult = Omit<CompletedSigningRequest, 'signatures'>;

export interface SigningPolicy {
  otpTtlSeconds: number;
  otpMaxResends: number;
  otpResendCooldownSeconds: number;
  /** OTP messages per officer per known caller (a system's client, a trusted browser) per hour. */
  otpSendsPerHour: number;
  /** Messages per officer per hour asked for by unknown callers together (shared with portal sign-in codes). */
  unknownSendsPerHour: number;
  /** Messages per source address per hour asked for by unknown callers. */
  addressSendsPerHour: number;
  /** Pending requests per officer and known caller (unknown callers: 1); a newer one supersedes the oldest. */
  pendingPerCaller: number;
  allowedOrigins: string[];
  /** Test hook (sandbox only, services.ts): how long each signature is held after its OTP is consumed. */
  testSigningDelayMs?: number;
}

/** What telling the phone about an ended request needs of it. */
type EndedRequest = Pick<RequestRow, 'id' | 'nric' | 'channel'>;

export interface SigningServiceDeps {
  db: Db;
  vault: Vault;
  ca: CertificateAuthority;
  outbox: Outbox;
  audit: AuditLog;
  otpKey: Buffer;
  policy: SigningPolicy;
  /** The WebAuthn relying party passkey assertions must name (RoamSign's public origin and host). */
  rp: RelyingParty;
  /** E-mails the officer that a passkey was suspended (counter regression). */
  onPasskeySuspended?: (passkey: Passkey) => Promise<void>;
  /** PDF signing (issue 25): the CMS profile of each document (PAdES for a PDF RoamSign prepared); CAdES when absent. */
  documentProfiles?: (documents: { id: string; digest: string }[]) => Promise<CmsProfile[]>;
  /** A request left `pending` (committed): GPKI Mobile blanks its OTP. Best effort, never awaited. */
  onRequestEnded?: (nric: string, requestId: string, outcome: RequestOutcome) => Promise<void>;
  now: () => number;
  randomInt?: (max: number) => number;
}

/** Who is calling: the browser origin (null for server-to-server calls) and the language of messages. */
export interface Caller {
  origin: string | null;
  lang: Lang;
  /** The registered system a Bearer token acts for (API.md "Caller authentication"); it acts for that system only. */
  client?: { clientId: string; system: string };
  /** Source address and device cookie: whose budget an unauthenticated (browser) call spends. */
  requester?: Requester;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createSigningService(deps: SigningServiceDeps) {
  const { db, vault, ca, outbox, audit, otpKey, policy, rp, now } = deps;
  const { signatures, signingRequests } = db.t;

  async function load(id: string): Promise<RequestRow> {
    const [row] = await db.orm.select().from(signingRequests).where(eq(signingRequests.id, id));
    if (!row) throw new RoamSignError('not_found');
    return row;
  }

  /** A browser may act on a request only from the origin that created it; a system's token only on its own system's. */
  function checkSameOrigin(row: RequestRow, caller: Caller): void {
    if (caller.client && caller.client.system !== row.system) throw new RoamSignError('forbidden', { reason: 'other_system' });
    if (caller.origin !== null && caller.origin !== row.origin) throw new RoamSignError('origin_not_allowed');
  }

  /**
   * Tells GPKI Mobile that a request it showed has ended, after the commit and not awaited (an
   * unreachable phone never fails or slows a signature). Only a request whose OTP went by push was
   * ever on a phone: an e-mailed one costs nothing here.
   */
  function announceEnded(row: EndedRequest, outcome: RequestOutcome): void {
    const notify = deps.onRequestEnded;
    if (notify && row.channel === 'push') void Promise.resolve().then(() => notify(row.nric, row.id, outcome)).catch(() => undefined);
  }

  const allowedOrigins = (system: SystemId) => allOriginsFor(db, system, policy.allowedOrigins);

  /** Failure marks and audit of one request still in status `from`, in one transaction. */
  async function markFailed(row: EndedRequest, from: RequestRow['status'], code: string, action: string, extra: Partial<RequestRow> = {}): Promise<void> {
    const { id } = row;
    const changed = await db.transaction(async () => {
      const failed = await db.orm
        .update(signingRequests)
        .set({ status: 'failed', failureCode: code, ...extra })
        .where(and(eq(signingRequests.id, id), eq(signingRequests.status, from)))
        .returning({ id: signingRequests.id });
      if (failed.length) await audit.append({ actor: 'system', action, subject: id, details: { code } });
      return failed.length > 0;
    });
    if (changed) announceEnded(row, 'failed');
  }

  /** Signing is `pending` to the outside while its lease runs (expiresAt covers it); an abandoned one is recovered on sight. */
  function viewStatus(row: RequestRow): SigningStatus {
    if (row.status === 'signing') return 'pending';
    if (row.status === 'pending' && now() >= row.otpExpiresAt) return 'expired';
    return row.status;
  }

  /** The request, an abandoned signing brought to its final state first (issue 9: never `pending` after expiry). */
  async function loadSettled(id: string): Promise<RequestRow> {
    const row = await load(id);
    if (!isAbandoned(row, now())) return row;
    await recoverRequests({ db, audit }, { now: now(), ids: [id] });
    return load(id);
  }

  /** Whose budget this call spends for `officer`, and the buckets of one OTP message. */
  async function otpBudget(nric: string, caller: Caller): Promise<{ callerClass: CallerClass; buckets: ReturnType<typeof messageBuckets> }> {
    const callerClass = await classifyCaller(db, { clientId: caller.client?.clientId, requester: caller.requester ?? UNKNOWN_REQUESTER, subject: `officer:${nric}`, now: now() });
    return { callerClass, buckets: messageBuckets(nric, 'otp', callerClass, { knownSendsPerHour: policy.otpSendsPerHour, unknownSendsPerHour: policy.unknownSendsPerHour, addressSendsPerHour: policy.addressSendsPerHour }) };
  }

  /**
   * Keeps the signing lease of request `id` alive while this completion signs (a third of the
   * lease, so one missed beat costs nothing); expiresAt moves with it, so a request signing is
   * never past its expiry. Returns the stop function.
   */
  function keepSigningLease(id: string): () => void {
    const renew = async () => {
      const until = now() + SIGNING_LEASE_MS;
      try {
        await db.orm
          .update(signingRequests)
          .set({ signingUntil: until, otpExpiresAt: sql`case when ${signingRequests.otpExpiresAt} > ${until} then ${signingRequests.otpExpiresAt} else ${until} end` })
          .where(and(eq(signingRequests.id, id), eq(signingRequests.status, 'signing')));
      } catch {
        // The next beat tries again; a lease that runs out makes the commit refuse, never lie.
      }
    };
    const timer = setInterval(() => void renew(), SIGNING_LEASE_MS / 3);
    timer.unref();
    return () => clearInterval(timer);
  }

  async function checkOfficerCanSign(officer: Officer): Promise<void> {
    // Lifecycle: not active, or retired / role ended from the effective date -> forbidden.
    await checkSigningStanding(db, officer, now());
    if (!officer.media.includes('roaming')) throw new RoamSignError('medium_not_roaming');
    if (officer.pinLockedAt !== null) throw new RoamSignError('pin_locked');
    const cert = await latestCertificate(db, officer.nric);
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
      await markFailed(row, 'pending', 'delivery_failed', 'otp.delivery_failed', { otpHash: null });
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

  /**
   * Waits while other completions of the same request are in flight: one is signing, or every OTP
   * try is held by completions still checking theirs (a right OTP gives its try back at once).
   */
  async function awaitSigned(id: string): Promise<RequestRow> {
    const deadline = Date.now() + SIGNING_WAIT_MS;
    const busy = (r: RequestRow) => r.status === 'signing' || (r.status === 'pending' && r.otpAttempts >= OTP_MAX_ATTEMPTS);
    let row = await loadSettled(id);
    while (busy(row) && Date.now() < deadline) {
      await sleep(SIGNING_POLL_MS);
      row = await loadSettled(id);
    }
    return row;
  }

  /**
   * A request that already signed answers an identical completion with the same body (API.md). The
   * stored result leaves out the signatures (up to 500 CMS, each already in `signatures`): they are
   * put back from there, in signing order. Results stored whole by earlier versions are kept as is.
   */
  async function answerSettled(row: RequestRow, otp: string): Promise<CompletedSigningRequest> {
    if (row.status === 'signed' && otpMatches(otpKey, row.id, otp, row.consumedOtpHash)) {
      const stored = row.result as StoredResult & { signatures?: CompletedSigningRequest['signatures'] };
      if (stored.signatures) return stored as CompletedSigningRequest;
      return {
        id: stored.id,
        status: stored.status,
        signedAt: stored.signedAt,
        signatures: (
          await db.orm
            .select({ documentId: signatures.documentId, cms: signatures.cms, certificateSerial: signatures.certificateSerial })
            .from(signatures)
            .where(eq(signatures.requestId, row.id))
            .orderBy(asc(signatures.id))
        ).map((s) => ({
          documentId: s.documentId,
          signature: s.cms.toString('base64'),
          certificateSerial: s.certificateSerial,
        })),
        verification: stored.verification,
      };
    }
    throw new RoamSignError('request_not_pending', {
      status: viewStatus(row),
      ...(row.status === 'signing' ? { retryAfterSeconds: 1 } : {}),
      ...(row.failureCode ? { reason: row.failureCode } : {}),
    });
  }

  async function signDocuments(row: RequestRow, factor: Record<string, unknown> = { factor: 'otp' }): Promise<CompletedSigningRequest> {
    const cert = await latestCertificate(db, row.nric);
    if (!cert || cert.revokedAt !== null) throw new RoamSignError('certificate_revoked');
    const signedAt = new Date(now());
    const digests = row.documents.map((d) => Buffer.from(d.digest, 'base64'));
    const profiles = (await deps.documentProfiles?.(row.documents)) ?? [];
    const batch = createProfiledCmsBatch(cert.der, signedAt, digests, profiles);
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
    await db.transaction(async () => {
      // Only while still `signing`: a request recovered as interrupted (lease run out) stays failed,
      // and its signatures are never committed nor given out.
      const still = await db.orm
        .update(signingRequests)
        .set({ status: 'signed', signedAt: signedAt.getTime(), result: stored, signingUntil: null })
        .where(and(eq(signingRequests.id, row.id), eq(signingRequests.status, 'signing')))
        .returning({ id: signingRequests.id });
      if (!still.length) throw new RoamSignError('request_not_pending', { status: 'failed', reason: 'interrupted' });
      await db.orm.insert(signatures).values(
        row.documents.map((doc, i) => ({
          requestId: row.id,
          documentId: doc.id,
          digest: doc.digest,
          cms: cmsList[i]!,
          certificateSerial: cert.serial,
          createdAt: signedAt.getTime(),
        })),
      );
      await recordActivity(db, row.nric, signedAt.getTime()); // lifecycle: a signature is activity (90-day rule)
      await audit.append({
        actor: row.nric,
        action: 'request.signed',
        subject: row.id,
        details: { documents: row.documents.length, certificateSerial: cert.serial, valid, ...factor },
      });
    });
    announceEnded(row, 'signed');
    return result;
  }

  return {
    /** Creates a signing request bound to officer, system, origin and documents, and sends its OTP. */
    async create(input: CreateSigningRequest, caller: Caller): Promise<CreatedSigningRequest> {
      if (!(await isRegisteredSystem(db, input.system))) throw new RoamSignError('bad_request', { system: 'unknown system' });
      if (caller.client && caller.client.system !== input.system) throw new RoamSignError('forbidden', { reason: 'other_system', system: input.system });
      const officer = await findOfficer(db, input.nric);
      if (!officer) throw new RoamSignError('user_not_found');
      if (caller.origin !== null && !(await allowedOrigins(input.system)).includes(caller.origin)) {
        throw new RoamSignError('origin_not_allowed', { system: input.system });
      }
      await checkOfficerCanSign(officer);
      // Policy `passkey-required`: no OTP could sign, so none is sent (an unusable code in the inbox
      // only misleads); without a passkey there is no way to sign at all.
      const passkeyOnly = (await effectivePolicy(db, { system: input.system, agencyCode: officer.agencyCode })) === 'passkey-required';
      if (passkeyOnly && !(await activePasskeys(db, { type: 'officer', id: officer.nric })).length) {
        throw new RoamSignError('passkey_required', { reason: 'no_passkey' });
      }

      const documents: StoredDocument[] = input.documents.map((d) => ({
        id: d.id,
        digest: d.digest,
        ...(d.summary ? { summary: d.summary } : {}),
      }));
      const id = `sr_${crypto.randomBytes(16).toString('base64url')}`;
      const otp = generateOtp(deps.randomInt);
      const at = now();
      const { callerClass, buckets } = await otpBudget(officer.nric, caller);
      const callerKey = callerKeyOf(callerClass);
      const route = await outbox.route({ nric: officer.nric, email: officer.email }, input.channel);
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
        otpHash: passkeyOnly ? null : hashOtp(otpKey, id, otp),
        consumedOtpHash: null,
        otpExpiresAt: at + policy.otpTtlSeconds * 1000,
        otpAttempts: 0,
        otpSends: passkeyOnly ? 0 : 1,
        lastOtpSentAt: at,
        createdAt: at,
        signedAt: null,
        result: null,
        callerKey,
        signingUntil: null,
      };
      // The caller's budget, the cap on its pending requests and the insert are one transaction
      // under the officer's lock: concurrent creates, on any node, cannot slip past either.
      const superseded = await db.transaction(async () => {
        await db.lock(`officer:${officer.nric}`);
        const taken = await takeHits(db, buckets, at);
        if (!taken.ok) throw refuseSpent(taken.retryAfterMs, { window: 'hour' });
        const cap = callerClass.kind === 'unknown' ? 1 : policy.pendingPerCaller;
        const gone = await supersedePending({ db, audit }, { nric: officer.nric, callerKey, keep: cap - 1, since: at - REQUEST_LIFETIME_MS, by: id });
        await db.orm.insert(signingRequests).values(row);
        await audit.append({
          actor: officer.nric,
          action: 'request.created',
          subject: id,
          details: { system: input.system, origin: caller.origin, client: caller.client?.clientId ?? null, caller: callerClass.kind, documents: documents.length },
        });
        return gone;
      });
      for (const old of superseded) announceEnded({ ...old, nric: officer.nric }, 'superseded');
      if (passkeyOnly) return created(row);

      const delivered = await sendOtp(row, officer, otp, caller.lang, input.channel);
      if (delivered.channel !== row.channel || delivered.destination !== row.destination) {
        await db.orm.update(signingRequests).set({ channel: delivered.channel, destination: delivered.destination }).where(eq(signingRequests.id, id));
        row.channel = delivered.channel;
        row.destination = delivered.destination;
      }
      await audit.append({ actor: 'system', action: 'otp.sent', subject: id, details: { channel: delivered.channel } });
      return created(row);
    },

    async get(id: string, caller: Caller): Promise<SigningRequestView> {
      checkSameOrigin(await load(id), caller);
      const row = await loadSettled(id);
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
      const row = await load(id);
      checkSameOrigin(row, caller);
      if (row.status !== 'pending') throw new RoamSignError('request_not_pending', { status: viewStatus(row) });
      const at = now();
      if (at - row.createdAt > REQUEST_LIFETIME_MS) throw new RoamSignError('request_not_pending', { status: 'expired' });
      if (row.otpSends > policy.otpMaxResends) throw new RoamSignError('rate_limited', { limit: policy.otpMaxResends, window: 'request' });
      const wait = row.lastOtpSentAt + policy.otpResendCooldownSeconds * 1000 - at;
      if (wait > 0) throw new RoamSignError('rate_limited', { retryAfterSeconds: Math.ceil(wait / 1000) });
      const officer = await findOfficer(db, row.nric);
      if (!officer) throw new RoamSignError('user_not_found');
      await checkOfficerCanSign(officer);
      // Passkey only: the request gets its time again, and nothing is sent.
      const passkeyOnly = (await effectivePolicy(db, { system: row.system, agencyCode: officer.agencyCode })) === 'passkey-required';

      const otp = generateOtp(deps.randomInt);
      const next = { ...row, otpHash: passkeyOnly ? null : hashOtp(otpKey, id, otp), otpExpiresAt: at + policy.otpTtlSeconds * 1000, lastOtpSentAt: at, otpSends: row.otpSends + 1 };
      const { buckets } = await otpBudget(officer.nric, caller);
      const superseded = await db.transaction(async () => {
        await db.lock(`officer:${officer.nric}`);
        const taken = await takeHits(db, buckets, at);
        if (!taken.ok) throw refuseSpent(taken.retryAfterMs, { window: 'hour' });
        // Compare-and-set on the send count: of two concurrent re-sends only one wins.
        const changed = await db.orm
          .update(signingRequests)
          .set({ otpHash: next.otpHash, otpExpiresAt: next.otpExpiresAt, lastOtpSentAt: at, otpSends: next.otpSends })
          .where(and(eq(signingRequests.id, id), eq(signingRequests.status, 'pending'), eq(signingRequests.otpSends, row.otpSends)))
          .returning({ id: signingRequests.id });
        if (changed.length !== 1) throw new RoamSignError('rate_limited', { reason: 'concurrent_resend' });
        await audit.append({ actor: officer.nric, action: passkeyOnly ? 'request.renewed' : 'otp.resent', subject: id, details: { sends: next.otpSends } });
      });
      if (!passkeyOnly) await sendOtp(next, officer, otp, caller.lang, row.channel);
      return created(next);
    },

    /** Checks PIN and OTP, consumes the OTP atomically, signs every document, verifies. */
    async complete(id: string, input: CompleteSigningRequest, caller: Caller): Promise<CompletedSigningRequest> {
      let row = await loadSettled(id);
      checkSameOrigin(row, caller);
      if (row.status === 'signing') row = await awaitSigned(id);
      if (row.status !== 'pending') return answerSettled(row, input.otp);

      const officer = await findOfficer(db, row.nric);
      if (!officer) throw new RoamSignError('user_not_found');
      // Lifecycle: a suspension or movement effective since the request was created refuses too.
      await checkSigningStanding(db, officer, now());
      if (officer.pinLockedAt !== null) throw new RoamSignError('pin_locked');
      if (now() >= row.otpExpiresAt) throw new RoamSignError('otp_expired');
      if ((await effectivePolicy(db, { system: row.system, agencyCode: officer.agencyCode })) === 'passkey-required') throw new RoamSignError('passkey_required');

      // The OTP is checked before the PIN: without the OTP nobody can spend the officer's PIN tries.
      // The try is counted before the OTP is compared (issue 9, "lock-outs are atomic"): of any
      // number of concurrent guesses, on any node, at most OTP_MAX_ATTEMPTS are ever compared. A
      // right OTP gives its try back, so a wrong PIN alone does not use up the request.
      const [counted] = await db.orm
        .update(signingRequests)
        .set({ otpAttempts: sql`${signingRequests.otpAttempts} + 1` })
        .where(and(eq(signingRequests.id, id), eq(signingRequests.status, 'pending'), lt(signingRequests.otpAttempts, OTP_MAX_ATTEMPTS)))
        .returning({ attempts: signingRequests.otpAttempts });
      if (!counted) {
        const settled = await awaitSigned(id);
        // A try came free (another completion's OTP was right but it did not sign): try again.
        if (settled.status === 'pending' && settled.otpAttempts < OTP_MAX_ATTEMPTS) return this.complete(id, input, caller);
        if (settled.status === 'pending') throw new RoamSignError('otp_attempts_exceeded');
        return answerSettled(settled, input.otp);
      }
      if (!otpMatches(otpKey, id, input.otp, row.otpHash)) {
        await db.transaction(async () => {
          if (counted.attempts >= OTP_MAX_ATTEMPTS) {
            await db.orm
              .update(signingRequests)
              .set({ status: 'failed', failureCode: 'otp_attempts_exceeded', otpHash: null })
              .where(and(eq(signingRequests.id, id), eq(signingRequests.status, 'pending')));
          }
          await audit.append({ actor: row.nric, action: 'otp.wrong', subject: id, details: { attempts: counted.attempts } });
        });
        if (counted.attempts >= OTP_MAX_ATTEMPTS) {
          announceEnded(row, 'failed');
          throw new RoamSignError('otp_attempts_exceeded');
        }
        throw new RoamSignError('otp_invalid', { attemptsLeft: OTP_MAX_ATTEMPTS - counted.attempts });
      }
      // A right OTP with a wrong PIN gives the OTP try back (in the PIN failure's transaction); a
      // right PIN forgives earlier PIN failures in the consuming transaction below: fewer commits.
      const giveOtpTryBack = async () => {
        await db.orm
          .update(signingRequests)
          .set({ otpAttempts: sql`${signingRequests.otpAttempts} - 1` })
          .where(and(eq(signingRequests.id, id), gt(signingRequests.otpAttempts, 0)));
      };
      const { reserved } = await checkPinCounted(
        { db, vault, audit, now },
        { nric: officer.nric, pin: input.pin, verifier: officer.pinVerifier, subject: id, onWrong: giveOtpTryBack, forgive: false },
      );

      // Consume: only the completion that flips pending -> signing with this OTP signs.
      const consumedHash = hashOtp(otpKey, id, input.otp);
      const won = await db.transaction(async () => {
        await db.lock(`officer:${officer.nric}`);
        const fresh = (await findOfficer(db, officer.nric))!;
        if (fresh.pinLockedAt !== null) throw new RoamSignError('pin_locked');
        await checkSigningStanding(db, fresh, now()); // lifecycle: re-checked atomically with the OTP's consumption
        // The lease of this completion starts now (recoverRequests.ts); expiresAt never ends before it.
        const until = now() + SIGNING_LEASE_MS;
        const changed = await db.orm
          .update(signingRequests)
          .set({
            status: 'signing',
            otpHash: null,
            consumedOtpHash: consumedHash,
            signingUntil: until,
            otpExpiresAt: sql`case when ${signingRequests.otpExpiresAt} > ${until} then ${signingRequests.otpExpiresAt} else ${until} end`,
          })
          .where(and(eq(signingRequests.id, id), eq(signingRequests.status, 'pending'), eq(signingRequests.otpHash, consumedHash)))
          .returning({ id: signingRequests.id });
        await forgivePinFailures(db, officer.nric, reserved);
        if (changed.length === 1) await audit.append({ actor: officer.nric, action: 'otp.consumed', subject: id, details: {} });
        return changed.length === 1;
      });
      if (!won) {
        const settled = await awaitSigned(id);
        if (settled.status === 'pending') throw new RoamSignError('otp_invalid', { attemptsLeft: OTP_MAX_ATTEMPTS - settled.otpAttempts });
        return answerSettled(settled, input.otp);
      }

      const stopLease = keepSigningLease(id);
      try {
        if (policy.testSigningDelayMs) await sleep(policy.testSigningDelayMs);
        return await signDocuments(row);
      } catch (error) {
        const code = error instanceof RoamSignError ? error.code : 'internal';
        await markFailed(row, 'signing', code, 'request.failed');
        throw error instanceof RoamSignError ? error : new RoamSignError('internal', undefined, { cause: error });
      } finally {
        stopLease();
      }
    },

    /**
     * What the dialog may offer for request `id` (issue 11): the policy, and when the officer has a
     * passkey and policy allows it, a fresh assertion challenge bound to the request.
     */
    async passkeyOffer(id: string, caller: Caller): Promise<PasskeyOffer> {
      const row = await loadSettled(id);
      checkSameOrigin(row, caller);
      if (viewStatus(row) !== 'pending' || row.status !== 'pending') throw new RoamSignError('request_not_pending', { status: viewStatus(row) });
      const officer = await findOfficer(db, row.nric);
      if (!officer) throw new RoamSignError('user_not_found');
      const passkeyPolicy = await effectivePolicy(db, { system: row.system, agencyCode: officer.agencyCode });
      const keys = passkeyPolicy === 'otp' ? [] : await activePasskeys(db, { type: 'officer', id: row.nric });
      if (!keys.length) return { policy: passkeyPolicy, options: null };
      const challenge = await issueSigningChallenge(db, row, now());
      await audit.append({ actor: 'system', action: 'passkey.challenge_issued', subject: id, details: {} });
      return {
        policy: passkeyPolicy,
        options: {
          challenge,
          rpId: rp.id,
          timeout: Math.max(1000, row.otpExpiresAt - now()),
          userVerification: 'required',
          allowCredentials: keys.map((k) => ({ id: k.credentialId, type: 'public-key' as const, transports: k.transports })),
        },
      };
    },

    /**
     * PIN + passkey (issue 11): the assertion is verified first (bound challenge, origin, RP ID, UV,
     * counter), then the PIN with the same lock-out counting as the OTP path, then the request flips
     * pending -> signing once and is signed. The credential and its authenticator data are kept.
     */
    async completeWithPasskey(id: string, input: CompleteWithPasskey, caller: Caller): Promise<CompletedSigningRequest> {
      const row = await loadSettled(id);
      checkSameOrigin(row, caller);
      if (row.status !== 'pending' || now() >= row.otpExpiresAt) throw new RoamSignError('request_not_pending', { status: viewStatus(row) });
      const officer = await findOfficer(db, row.nric);
      if (!officer) throw new RoamSignError('user_not_found');
      await checkSigningStanding(db, officer, now());
      if (officer.pinLockedAt !== null) throw new RoamSignError('pin_locked');
      if ((await effectivePolicy(db, { system: row.system, agencyCode: officer.agencyCode })) === 'otp') throw new RoamSignError('passkey_not_allowed');

      const used = await verifyPasskeyAssertion({
        db,
        audit,
        rp,
        response: input.credential,
        subject: { type: 'officer', id: row.nric },
        takeChallenge: (echoed) => takeSigningChallenge(db, row, echoed, now()),
        // The widget's dialog is a RoamSign frame inside the page that asked: that page is its top.
        ...(row.origin ? { topOrigin: row.origin } : {}),
        ...(deps.onPasskeySuspended ? { onSuspended: deps.onPasskeySuspended } : {}),
        now,
      });
      const { reserved } = await checkPinCounted({ db, vault, audit, now }, { nric: officer.nric, pin: input.pin, verifier: officer.pinVerifier, subject: id, forgive: false });

      const won = await db.transaction(async () => {
        await db.lock(`officer:${officer.nric}`);
        const fresh = (await findOfficer(db, officer.nric))!;
        if (fresh.pinLockedAt !== null) throw new RoamSignError('pin_locked');
        await checkSigningStanding(db, fresh, now());
        const until = now() + SIGNING_LEASE_MS;
        const changed = await db.orm
          .update(signingRequests)
          .set({
            status: 'signing',
            otpHash: null,
            signingUntil: until,
            otpExpiresAt: sql`case when ${signingRequests.otpExpiresAt} > ${until} then ${signingRequests.otpExpiresAt} else ${until} end`,
          })
          .where(and(eq(signingRequests.id, id), eq(signingRequests.status, 'pending')))
          .returning({ id: signingRequests.id });
        await forgivePinFailures(db, officer.nric, reserved);
        if (changed.length !== 1) return false;
        await db.orm.insert(db.t.signingPasskeys).values({ requestId: id, credentialId: used.passkey.credentialId, authenticatorData: used.authenticatorData, counter: used.counter, usedAt: now() });
        await audit.append({
          actor: officer.nric,
          action: 'passkey.consumed',
          subject: id,
          details: { credentialId: used.passkey.credentialId, counter: used.counter, authenticatorData: used.authenticatorData.toString('base64') },
        });
        return true;
      });
      if (!won) throw new RoamSignError('request_not_pending', { status: viewStatus(await load(id)) });

      const stopLease = keepSigningLease(id);
      try {
        if (policy.testSigningDelayMs) await sleep(policy.testSigningDelayMs);
        return await signDocuments(row, { factor: 'passkey', credentialId: used.passkey.credentialId });
      } catch (error) {
        const code = error instanceof RoamSignError ? error.code : 'internal';
        await markFailed(row, 'signing', code, 'request.failed');
        throw error instanceof RoamSignError ? error : new RoamSignError('internal', undefined, { cause: error });
      } finally {
        stopLease();
      }
    },

    /** The officer closed the dialog: the request and its OTP die. */
    async cancel(id: string, caller: Caller): Promise<SigningRequestView> {
      const row = await load(id);
      checkSameOrigin(row, caller);
      const changed = await db.transaction(async () => {
        const rows = await db.orm
          .update(signingRequests)
          .set({ status: 'cancelled', otpHash: null })
          .where(and(eq(signingRequests.id, id), eq(signingRequests.status, 'pending')))
          .returning({ id: signingRequests.id });
        if (rows.length === 1) await audit.append({ actor: row.nric, action: 'request.cancelled', subject: id, details: {} });
        return rows.length;
      });
      if (changed !== 1) throw new RoamSignError('request_not_pending', { status: viewStatus(await load(id)) });
      announceEnded(row, 'cancelled');
      return this.get(id, caller);
    },
  };
}

export type SigningService = ReturnType<typeof createSigningService>;
