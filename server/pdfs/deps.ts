import type { Db } from '../db/database.js';
import type { CertificateAuthority } from '../ca/certificateAuthority.js';
import type { TimeStampSupplier } from '../pdf/inputs.js';

/** What the PDF verbs need: the database, the CA (for validation data and reports), time and the PAdES inputs. */
export interface PdfDeps {
  db: Db;
  ca: CertificateAuthority;
  now: () => number;
  /** RoamSign's public URL: the stamp's link to the validation report. */
  publicUrl: string;
  /** The level written into signed PDFs: B-T and above need `timeStamp`. */
  level: 'B-B' | 'B-T' | 'B-LT' | 'B-LTA';
  timeStamp?: TimeStampSupplier;
  /** Certificates (DER) trusted to issue time-stamp tokens, for reports. */
  trustedTimeStampAuthorities: Uint8Array[];
  /** Browser origins allowed for every system (ROAMSIGN_ALLOWED_ORIGINS). */
  allowedOrigins: string[];
}

/** Who asks (as signing requests know callers): a system's token, or a browser origin. */
export interface PdfCaller {
  origin: string | null;
  client?: { clientId: string; system: string };
}

/** How long an unsigned prepared PDF is kept, and a signed one. */
export const PREPARED_LIFETIME_MS = 24 * 3600_000;
export const SIGNED_LIFETIME_MS = 30 * 24 * 3600_000;
