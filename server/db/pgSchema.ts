import { postgresColumns } from './columnKit.js';
import { defineTables } from './tables.js';

// The PostgreSQL tables (ROAMSIGN_DATABASE_URL=postgres://…), built from the one declaration
// (tables.ts). drizzle-kit reads this module's exports (drizzle.pg.config.ts): every table is one,
// tests/server/db/schemaParity.test.ts checks that none is missing.
export const {
  agencies, systems, officers, certificates, vaultKeys, caState, signingRequests, signatures,
  auditLog, outbox, admins, adminPasswordLinks, sessions, challenges, emailVerifications,
  applications, movements, devices, clusterSettings, leases, clients, accessTokens, approvals,
  limitHits, trustedDevices, passkeys, passkeyChallenges, passkeyPolicies, signingPasskeys, pdfDocuments,
  renewalNotices,
} = defineTables(postgresColumns);
