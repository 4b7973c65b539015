import type { envSchema } from '../env.js';

/**
 * What each environment variable means, for the README's Configuration table (configTable.ts
 * generates it from the schema: names and defaults come from env.ts, so the table cannot drift).
 * A variable added to the schema fails to compile until it is described here.
 */
export const ENV_DOCS: Record<keyof typeof envSchema.shape, { meaning: string; shown?: string }> = {
  PORT: { meaning: "port the server listens on" },
  HOST: { meaning: "address the server listens on" },
  ROAMSIGN_DATA_DIR: { meaning: "database, vault master key (`master.key`, mode 0600), CA" },
  ROAMSIGN_DATABASE_URL: { meaning: "`postgres://user@host:5432/db`: the data in PostgreSQL (several nodes, see \"Several nodes\"); unset, SQLite in the data folder" },
  ROAMSIGN_SANDBOX: { meaning: "demo data, dev outbox at `/api/v1/dev/outbox` and `/dev/outbox`; never in production", shown: "`1` in `npm start`" },
  ROAMSIGN_OTP_TTL_SECONDS: { meaning: "OTP life" },
  ROAMSIGN_ALLOWED_ORIGINS: { meaning: "comma-separated browser origins added to every system's own list" },
  ROAMSIGN_PUBLIC_URL: {
    meaning:
      "where people reach the server (`http://` or `https://` and a host; anything else is refused at start): every link RoamSign writes (e-mails, banner, certificates' CRL distribution point, /openapi.json). The server records it in the data folder, so the CLI run beside it (same `ROAMSIGN_DATA_DIR`) writes the same links; the extension's build takes its default server from it (else `PORT`). Its origin may call the API in sandbox mode",
    shown: "`http://localhost:PORT`",
  },
  ROAMSIGN_EXTENSION_ORIGINS: { meaning: "`chrome-extension://<id>` (and Firefox's `moz-extension://<uuid>`) of the RoamSign extension: its worker may report the page origin" },
  ROAMSIGN_SMTP_URL: { meaning: "e.g. `smtp://user:pass@mail.agency.gov.my:587`; required outside sandbox mode" },
  ROAMSIGN_MAIL_FROM: { meaning: "sender of OTP e-mail" },
  ROAMSIGN_OTP_MAX_RESENDS: { meaning: "new OTPs per signing request" },
  ROAMSIGN_OTP_RESEND_COOLDOWN_SECONDS: { meaning: "wait before a new OTP" },
  ROAMSIGN_OTP_SENDS_PER_HOUR: { meaning: "OTP sends per officer per hour for each known caller: a system's client, a browser that signed before (no flooding a phone or mailbox)" },
  ROAMSIGN_PIN_SCRYPT_N: { meaning: "scrypt cost of the PIN verifier" },
  ROAMSIGN_LOG_LEVEL: { meaning: "`silent` to log errors only" },
  ROAMSIGN_INACTIVITY_DAYS: { meaning: "officers with no sign-in or signature this long are suspended" },
  ROAMSIGN_CODES_PER_HOUR: { meaning: "e-mailed portal codes (sign-in, PIN reset, security check, device) per person and purpose per hour; sign-in codes per browser that signed in before" },
  ROAMSIGN_UNKNOWN_SENDS_PER_HOUR: { meaning: "messages (OTPs and portal sign-in codes together) per officer per hour that unknown callers asked for: the most an attacker can send her (`docs/security.md`)" },
  ROAMSIGN_ADDRESS_SENDS_PER_HOUR: { meaning: "messages per source address per hour that unknown callers asked for, whoever they are for" },
  ROAMSIGN_REFUSALS_LISTED_PER_MINUTE: { meaning: "anonymous refusals (unsigned gate posts, failed client authentications) per source and minute also audited one by one; by default none: each source's minute is exactly one audit row with `aggregate: true` and the `count`, written when the minute is over (a minute with no more than this many has only its listed rows)" },
  ROAMSIGN_ANONYMOUS_REFUSALS_PER_MINUTE: { meaning: "unsigned gate posts refused per source and minute before that source's posts are refused at once (`rate_limited`, the gate answers 429)" },
  ROAMSIGN_FAILED_CLIENT_AUTH_PER_MINUTE: { meaning: "failed client authentications at `/oauth2/token` per source and minute; then 429 with `Retry-After` (a right secret too) until the minute is over" },
  ROAMSIGN_PENDING_PER_CALLER: { meaning: "pending signing requests per officer and known caller (unknown callers: 1); a newer one supersedes the oldest" },
  ROAMSIGN_TRUSTED_PROXIES: { meaning: "comma-separated addresses or networks (`10.0.0.0/8`) of reverse proxies whose `X-Forwarded-For` gives the source address; never read otherwise" },
  ROAMSIGN_TEST_SIGNING_DELAY_MS: { meaning: "test hook, sandbox only (refused otherwise): hold each signature this long after its OTP is consumed (crash tests)" },
  ROAMSIGN_VAULT: { meaning: "`soft` or `pkcs11`" },
  ROAMSIGN_PKCS11_LIBRARY: { meaning: "the vendor's PKCS#11 library" },
  ROAMSIGN_PKCS11_SLOT_LABEL: { meaning: "label of the token holding the keys", shown: "first token" },
  ROAMSIGN_PKCS11_PIN: { meaning: "the token's user PIN; required with `pkcs11`, never logged" },
  ROAMSIGN_PDF_MAX_BYTES: { meaning: "largest PDF `POST /api/v1/pdfs` and `/pdfs/verify` accept (413 past it)", shown: "52428800 (50 MB)" },
  ROAMSIGN_PDF_LEVEL: { meaning: "PAdES level of signed PDFs: `B-B`, `B-T`, `B-LT` or `B-LTA` (above B-B: time-stamps from the server's TSA, RoamSign's own or `ROAMSIGN_TSA_URL`)" },
  ROAMSIGN_PDF_TSA_URL: { meaning: "former name of `ROAMSIGN_TSA_URL`, still read" },
  ROAMSIGN_PDF_TSA_TRUST_FILE: { meaning: "former name of `ROAMSIGN_TSA_TRUST_FILE`, still read" },
  ROAMSIGN_CADES_LEVEL: { meaning: "CAdES level of every CMS signature: `B-T` (a signature time-stamp each) or `B-B` (none: for comparison only; nothing then proves when a signature was made)" },
  ROAMSIGN_TSA_URL: { meaning: "an external RFC 3161 TSA (HTTP) for CMS and PDF signatures; unset: RoamSign's own TSA (README \"Time-stamps\")", shown: "— (RoamSign's own TSA)" },
  ROAMSIGN_TSA_CREDENTIALS: { meaning: "`user:password` for the external TSA (HTTP Basic); never logged" },
  ROAMSIGN_TSA_TRUST_FILE: { meaning: "PEM file of the certificates trusted for the external TSA's tokens (the RoamSign CA is always trusted)" },
  ROAMSIGN_TSA_POLICY: { meaning: "policy OID of RoamSign's own TSA (default: ETSI EN 319 421 best-practices time-stamp policy; set your PKI's OID)" },
  ROAMSIGN_TSA_QUERIES_PER_MINUTE: { meaning: "`POST /tsa` queries per source address per minute (429 `rate_limited` past it)" },
  ROAMSIGN_METRICS_TOKEN: { meaning: "Bearer token (24+ characters) for `GET /metrics` on the main port; unset with no metrics port: metrics off, nothing counted (docs/operations.md \"Metrics\")" },
  ROAMSIGN_METRICS_PORT: { meaning: "a separate listener for `GET /metrics` (the token is asked there too when set); bind it where only Prometheus reaches" },
  ROAMSIGN_METRICS_HOST: { meaning: "address of the metrics listener" },
};
