import type { AuditLog } from '../audit/auditLog.js';
import type { CertificateAuthority } from '../ca/certificateAuthority.js';
import type { Db } from '../db/database.js';

/** What the lifecycle functions need; `Services` satisfies it, so callers pass `services` itself. */
export interface LifecycleDeps {
  db: Db;
  ca: CertificateAuthority;
  audit: AuditLog;
  now: () => number;
}

export const DAY_MS = 24 * 60 * 60 * 1000;
