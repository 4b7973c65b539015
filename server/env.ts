import net from 'node:net';
import path from 'node:path';
import { z } from 'zod';

const flag = z
  .enum(['0', '1', 'true', 'false', ''])
  .optional()
  .transform((value) => value === '1' || value === 'true');

const originList = z
  .string()
  .optional()
  .transform((value, ctx) => {
    const origins = (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    for (const origin of origins) {
      try {
        const url = new URL(origin);
        if (url.origin !== origin) throw new Error('not an origin');
      } catch {
        ctx.addIssue({ code: 'custom', message: `"${origin}" is not an origin like https://host:port` });
      }
    }
    return origins;
  });

const extensionOriginList = z
  .string()
  .optional()
  .transform((value, ctx) => {
    const origins = (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    for (const origin of origins) {
      if (!/^(chrome|moz)-extension:\/\/[a-z0-9-]+$/.test(origin)) {
        ctx.addIssue({ code: 'custom', message: `"${origin}" is not an extension origin like chrome-extension://<id>` });
      }
    }
    return origins;
  });

const proxyList = z
  .string()
  .optional()
  .transform((value, ctx) => {
    const entries = (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    for (const entry of entries) {
      const [address, bits, extra] = entry.split('/');
      const family = net.isIP(address ?? '');
      const width = family === 6 ? 128 : 32;
      const okBits = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= width);
      if (!family || !okBits || extra !== undefined) ctx.addIssue({ code: 'custom', message: `"${entry}" is not an IP address or network like 10.0.0.0/8` });
    }
    return entries;
  });

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Every environment variable the server reads (API.md "Configuration"), validated once at start-up. */
export const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HOST: z.string().min(1).default('127.0.0.1'),
  ROAMSIGN_DATA_DIR: z.string().min(1).default('./data'),
  /**
   * PostgreSQL for several nodes (postgres://user@host:5432/db); unset: SQLite in the data folder.
   * Every node must also share the vault's master key (the data folder's master.key) or the HSM.
   */
  ROAMSIGN_DATABASE_URL: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z
      .string()
      .regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// URL (unset for the embedded SQLite database)')
      .optional(),
  ),
  ROAMSIGN_SANDBOX: flag,
  ROAMSIGN_OTP_TTL_SECONDS: positiveInt(120),
  ROAMSIGN_ALLOWED_ORIGINS: originList,
  /** Where people and browsers reach this server: every link RoamSign writes starts with it. */
  ROAMSIGN_PUBLIC_URL: z
    .string()
    .regex(/^https?:\/\/[^/\s?#]+(\/[^\s?#]*)?$/, 'must start with http:// or https:// and a host (e.g. https://roamsign.agency.gov.my or http://localhost:8787)')
    .optional(),
  /** The RoamSign browser extension's origins: their worker may report the page origin. */
  ROAMSIGN_EXTENSION_ORIGINS: extensionOriginList,
  ROAMSIGN_SMTP_URL: z.string().url().optional(),
  ROAMSIGN_MAIL_FROM: z.string().min(3).default('RoamSign <no-reply@roamsign.gov.my>'),
  /** Re-sends of a new OTP allowed for one signing request. */
  ROAMSIGN_OTP_MAX_RESENDS: positiveInt(3),
  /** Seconds an officer waits before asking for a new OTP. */
  ROAMSIGN_OTP_RESEND_COOLDOWN_SECONDS: z.coerce.number().int().min(0).default(30),
  /** OTP sends (signing requests and re-sends) per officer per hour. */
  ROAMSIGN_OTP_SENDS_PER_HOUR: positiveInt(60),
  /**
   * scrypt cost of the PIN verifier (a power of two). The verifier is keyed by a pepper derived
   * from the master key, so a stolen database alone cannot be searched at any cost; scrypt only
   * slows a thief who has the master key too, and with it the wrapped private keys. 4096 (about
   * 6 ms) keeps one PIN check cheaper than 50 signatures, so batches and month-end peaks stay fast.
   */
  ROAMSIGN_PIN_SCRYPT_N: z.coerce
    .number()
    .int()
    .refine((n) => n >= 1024 && (n & (n - 1)) === 0, 'must be a power of two, at least 1024')
    .default(4096),
  ROAMSIGN_LOG_LEVEL: z.enum(['silent', 'info']).default('info'),
  /** Officers with no sign-in or signature for this many days are suspended (DESIGN.md: 90). */
  ROAMSIGN_INACTIVITY_DAYS: positiveInt(90),
  /** E-mailed portal codes (sign-in, PIN reset, security check, device) per person and purpose per hour. */
  ROAMSIGN_CODES_PER_HOUR: positiveInt(5),
  /**
   * Messages (signing OTPs and portal sign-in codes together) per officer per hour that callers
   * RoamSign does not know asked for: no system token, no browser that succeeded before (docs/security.md).
   */
  ROAMSIGN_UNKNOWN_SENDS_PER_HOUR: positiveInt(5),
  /** Messages per source address per hour that unknown callers asked for, whoever they are for. */
  ROAMSIGN_ADDRESS_SENDS_PER_HOUR: positiveInt(20),
  /** Anonymous refusals (unsigned gate posts, failed client authentications) per source and minute audited one by one; the rest of the minute is one row with a count. */
  ROAMSIGN_REFUSALS_LISTED_PER_MINUTE: z.coerce.number().int().min(0).default(0),
  /** Anonymous gate refusals per source and minute after which the source is refused at once (429, rate_limited). */
  ROAMSIGN_ANONYMOUS_REFUSALS_PER_MINUTE: positiveInt(60),
  /** Failed client authentications at /oauth2/token per source and minute; the next get 429. */
  ROAMSIGN_FAILED_CLIENT_AUTH_PER_MINUTE: positiveInt(5),
  /** Pending signing requests per officer and caller; a newer one supersedes the oldest. Unknown callers: 1. */
  ROAMSIGN_PENDING_PER_CALLER: positiveInt(3),
  /** Reverse proxies (addresses or networks) whose X-Forwarded-For gives the source address. */
  ROAMSIGN_TRUSTED_PROXIES: proxyList,
  /** Test hook, sandbox only: hold every signature this long after its OTP is consumed (crash tests). */
  ROAMSIGN_TEST_SIGNING_DELAY_MS: z.coerce.number().int().min(0).max(600_000).default(0),
  /** Key custody backend (DESIGN.md "Key custody"): `soft` (embedded) or `pkcs11` (an HSM). */
  ROAMSIGN_VAULT: z.enum(['soft', 'pkcs11'], { message: 'must be "soft" or "pkcs11"' }).default('soft'),
  /** The HSM vendor's PKCS#11 library. */
  ROAMSIGN_PKCS11_LIBRARY: z.string().min(1).default('/usr/lib/softhsm/libsofthsm2.so'),
  /** The label of the token holding the keys; default: the first token. */
  ROAMSIGN_PKCS11_SLOT_LABEL: z.string().min(1).optional(),
  /** The token's user PIN (required with ROAMSIGN_VAULT=pkcs11); never logged. */
  ROAMSIGN_PKCS11_PIN: z.string().min(1, 'must not be empty').optional(),
  // PDF signing (issue 25): the largest PDF accepted, and the PAdES level written (B-T and above use
  // the server's time-stamp source: the embedded TSA or ROAMSIGN_TSA_URL).
  ROAMSIGN_PDF_MAX_BYTES: z.coerce.number().int().min(1024).max(512 * 1024 * 1024).default(50 * 1024 * 1024),
  ROAMSIGN_PDF_LEVEL: z.enum(['B-B', 'B-T', 'B-LT', 'B-LTA'], { message: 'must be B-B, B-T, B-LT or B-LTA' }).default('B-B'),
  /** Former names of ROAMSIGN_TSA_URL and ROAMSIGN_TSA_TRUST_FILE, still read (issue 20: one TSA for CMS and PDF). */
  ROAMSIGN_PDF_TSA_URL: z.string().url().optional(),
  ROAMSIGN_PDF_TSA_TRUST_FILE: z.string().min(1).optional(),
  // Metrics (issue 24): off unless one of these is set. With a token, GET /metrics on the main port
  // answers a `Authorization: Bearer <token>` only; with a port, a separate listener serves /metrics
  // (bind it to an address only Prometheus reaches; the token, when set, is asked there too).
  /** Bearer token Prometheus sends to scrape /metrics (at least 24 characters); never logged. */
  ROAMSIGN_METRICS_TOKEN: z.preprocess((value) => (value === '' ? undefined : value), z.string().min(24, 'must be at least 24 characters').optional()),
  /** A separate listen port for /metrics (0: any free port). */
  ROAMSIGN_METRICS_PORT: z.preprocess((value) => (value === '' ? undefined : value), z.coerce.number().int().min(0).max(65535).optional()),
  /** The address the metrics listener binds to. */
  ROAMSIGN_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  // Time-stamps (issue 20): the embedded TSA unless ROAMSIGN_TSA_URL names an external one.
  /** CAdES level of every CMS signature: B-T (a signature time-stamp, the default) or B-B (none; for comparison only). */
  ROAMSIGN_CADES_LEVEL: z.enum(['B-B', 'B-T'], { message: 'must be B-B or B-T' }).default('B-T'),
  /** An external RFC 3161 TSA (HTTP); unset: RoamSign's embedded TSA. */
  ROAMSIGN_TSA_URL: z.string().url().optional(),
  /** "user:password" for the external TSA (HTTP Basic); never logged. */
  ROAMSIGN_TSA_CREDENTIALS: z.string().regex(/^[^:]+:.+$/, 'must be user:password').optional(),
  /** PEM file of the certificates trusted to issue the external TSA's tokens (the RoamSign CA is always trusted). */
  ROAMSIGN_TSA_TRUST_FILE: z.string().min(1).optional(),
  /** The embedded TSA's policy OID (TSTInfo.policy). Default: ETSI EN 319 421's best-practices time-stamp policy. */
  ROAMSIGN_TSA_POLICY: z.string().regex(/^[0-2](\.(0|[1-9]\d*))+$/, 'must be an OID like 1.2.3.4').default('0.4.0.2023.1.1'),
  /** Time-stamp queries per source address per minute at POST /tsa. */
  ROAMSIGN_TSA_QUERIES_PER_MINUTE: positiveInt(120),
});

export type VaultConfig =
  | { backend: 'soft' }
  | { backend: 'pkcs11'; library: string; slotLabel: string | undefined; pin: string };

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** postgres://… or undefined (SQLite file in dataDir). */
  databaseUrl: string | undefined;
  sandbox: boolean;
  otpTtlSeconds: number;
  allowedOrigins: string[];
  extensionOrigins: string[];
  publicUrl: string;
  smtpUrl: string | undefined;
  mailFrom: string;
  otpMaxResends: number;
  otpResendCooldownSeconds: number;
  otpSendsPerHour: number;
  pinScryptN: number;
  logLevel: 'silent' | 'info';
  inactivityDays: number;
  codesPerHour: number;
  unknownSendsPerHour: number;
  addressSendsPerHour: number;
  refusalsListedPerMinute: number;
  anonymousRefusalsPerMinute: number;
  failedClientAuthPerMinute: number;
  pendingPerCaller: number;
  trustedProxies: string[];
  /** Sandbox only (refused otherwise): milliseconds each signature is held after its OTP is consumed. */
  testSigningDelayMs: number;
  vault: VaultConfig;
  pdf: PdfConfig;
  metrics: MetricsConfig;
  tsa: TsaConfig;
}

/** Prometheus metrics (issue 24): counted only when enabled (a token or a port). */
export interface MetricsConfig {
  enabled: boolean;
  /** Bearer token for /metrics (main port and metrics port); undefined: main port serves no /metrics. */
  token: string | undefined;
  /** Separate metrics listener; undefined: none. */
  port: number | undefined;
  host: string;
}

/** Time-stamps for every signature (issue 20). */
export interface TsaConfig {
  cadesLevel: 'B-B' | 'B-T';
  /** An external TSA; undefined: the embedded one. */
  url: string | undefined;
  credentials: string | undefined;
  /** PEM file of the certificates trusted for the external TSA's tokens (read by services.ts). */
  trustFile: string | undefined;
  policy: string;
  queriesPerMinute: number;
}

/** PDF signing (issue 25). */
export interface PdfConfig {
  maxBytes: number;
  level: 'B-B' | 'B-T' | 'B-LT' | 'B-LTA';
}

/** Parses the environment; throws an Error listing every bad variable. */
export function parseConfig(env: Record<string, string | undefined>, options: { requireSmtp?: boolean } = {}): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (options.requireSmtp !== false && !e.ROAMSIGN_SANDBOX && !e.ROAMSIGN_SMTP_URL) {
    throw new Error(
      'Invalid configuration:\n  ROAMSIGN_SMTP_URL: required outside sandbox mode (OTP e-mails must be delivered); set ROAMSIGN_SANDBOX=1 for a demo',
    );
  }
  if (e.ROAMSIGN_VAULT === 'pkcs11' && !e.ROAMSIGN_PKCS11_PIN) {
    throw new Error('Invalid configuration:\n  ROAMSIGN_PKCS11_PIN: required with ROAMSIGN_VAULT=pkcs11 (the token\'s user PIN)');
  }
  if (e.ROAMSIGN_TSA_URL && e.ROAMSIGN_PDF_TSA_URL && e.ROAMSIGN_TSA_URL !== e.ROAMSIGN_PDF_TSA_URL) {
    throw new Error('Invalid configuration:\n  ROAMSIGN_PDF_TSA_URL: a former name of ROAMSIGN_TSA_URL; set one of them');
  }
  if (e.ROAMSIGN_TSA_CREDENTIALS && !(e.ROAMSIGN_TSA_URL ?? e.ROAMSIGN_PDF_TSA_URL)) {
    throw new Error('Invalid configuration:\n  ROAMSIGN_TSA_CREDENTIALS: for an external TSA only (set ROAMSIGN_TSA_URL)');
  }
  if (e.ROAMSIGN_TEST_SIGNING_DELAY_MS > 0 && !e.ROAMSIGN_SANDBOX) {
    throw new Error('Invalid configuration:\n  ROAMSIGN_TEST_SIGNING_DELAY_MS: a test hook, honoured in sandbox mode only');
  }
  const vault: VaultConfig =
    e.ROAMSIGN_VAULT === 'pkcs11'
      ? { backend: 'pkcs11', library: e.ROAMSIGN_PKCS11_LIBRARY, slotLabel: e.ROAMSIGN_PKCS11_SLOT_LABEL, pin: e.ROAMSIGN_PKCS11_PIN! }
      : { backend: 'soft' };
  const publicUrl = (e.ROAMSIGN_PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.ROAMSIGN_DATA_DIR),
    databaseUrl: e.ROAMSIGN_DATABASE_URL,
    sandbox: e.ROAMSIGN_SANDBOX,
    otpTtlSeconds: e.ROAMSIGN_OTP_TTL_SECONDS,
    allowedOrigins: e.ROAMSIGN_ALLOWED_ORIGINS,
    extensionOrigins: e.ROAMSIGN_EXTENSION_ORIGINS,
    publicUrl,
    smtpUrl: e.ROAMSIGN_SMTP_URL,
    mailFrom: e.ROAMSIGN_MAIL_FROM,
    otpMaxResends: e.ROAMSIGN_OTP_MAX_RESENDS,
    otpResendCooldownSeconds: e.ROAMSIGN_OTP_RESEND_COOLDOWN_SECONDS,
    otpSendsPerHour: e.ROAMSIGN_OTP_SENDS_PER_HOUR,
    pinScryptN: e.ROAMSIGN_PIN_SCRYPT_N,
    logLevel: e.ROAMSIGN_LOG_LEVEL,
    inactivityDays: e.ROAMSIGN_INACTIVITY_DAYS,
    codesPerHour: e.ROAMSIGN_CODES_PER_HOUR,
    unknownSendsPerHour: e.ROAMSIGN_UNKNOWN_SENDS_PER_HOUR,
    addressSendsPerHour: e.ROAMSIGN_ADDRESS_SENDS_PER_HOUR,
    refusalsListedPerMinute: e.ROAMSIGN_REFUSALS_LISTED_PER_MINUTE,
    anonymousRefusalsPerMinute: e.ROAMSIGN_ANONYMOUS_REFUSALS_PER_MINUTE,
    failedClientAuthPerMinute: e.ROAMSIGN_FAILED_CLIENT_AUTH_PER_MINUTE,
    pendingPerCaller: e.ROAMSIGN_PENDING_PER_CALLER,
    trustedProxies: e.ROAMSIGN_TRUSTED_PROXIES,
    testSigningDelayMs: e.ROAMSIGN_TEST_SIGNING_DELAY_MS,
    vault,
    pdf: { maxBytes: e.ROAMSIGN_PDF_MAX_BYTES, level: e.ROAMSIGN_PDF_LEVEL },
    metrics: {
      enabled: e.ROAMSIGN_METRICS_TOKEN !== undefined || e.ROAMSIGN_METRICS_PORT !== undefined,
      token: e.ROAMSIGN_METRICS_TOKEN,
      port: e.ROAMSIGN_METRICS_PORT,
      host: e.ROAMSIGN_METRICS_HOST,
    },
    tsa: {
      cadesLevel: e.ROAMSIGN_CADES_LEVEL,
      url: e.ROAMSIGN_TSA_URL ?? e.ROAMSIGN_PDF_TSA_URL,
      credentials: e.ROAMSIGN_TSA_CREDENTIALS,
      trustFile: e.ROAMSIGN_TSA_TRUST_FILE ?? e.ROAMSIGN_PDF_TSA_TRUST_FILE,
      policy: e.ROAMSIGN_TSA_POLICY,
      queriesPerMinute: e.ROAMSIGN_TSA_QUERIES_PER_MINUTE,
    },
  };
}
