import type { Lang } from '../../shared/i18n/index.js';
import type { AuditLog } from '../audit/auditLog.js';
import type { CertificateAuthority } from '../ca/certificateAuthority.js';
import type { CmsProfile } from '../cms/signDetached.js';
import type { Db } from '../db/database.js';
import type { RequestOutcome } from '../mobile/pushHub.js';
import type { Outbox } from '../notify/outbox.js';
import type { Passkey } from '../passkeys/passkeyStore.js';
import type { RelyingParty } from '../passkeys/relyingParty.js';
import type { Requester } from '../limits/requester.js';
import type { Vault } from '../vault/vault.js';
import type { TimeStamper } from '../tsa/timeStamper.js';

/** How long a request may be revived by re-sending its OTP. */
export const REQUEST_LIFETIME_MS = 15 * 60 * 1000;

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

/**
 * What the signing verbs need, and nothing more: built once by the composition root
 * (services.ts) and handed to each verb as its first argument.
 */
export interface SigningDeps {
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
  /** Issue 20: the time-stamp source of every CAdES signature (B-T); none: B-B. */
  timeStamper?: TimeStamper;
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
