import type { AuditLog } from '../audit/auditLog.js';
import type { Db } from '../db/database.js';

/** What the client verbs need: a subset of the server's Services. */
export interface ClientDeps {
  db: Db;
  audit: AuditLog;
  now: () => number;
  config: { sandbox: boolean; refusalsListedPerMinute: number; failedClientAuthPerMinute: number };
}

/** An access token lives one hour; the caller asks for a new one with its credentials. */
export const ACCESS_TOKEN_TTL_SECONDS = 3600;
