import { sqliteColumns } from './columnKit.js';
import { defineTables } from './tables.js';

// The SQLite tables (the embedded default), built from the one declaration
// (tables.ts). drizzle-kit reads this module's exports (drizzle.config.ts): every table is one,
// tests/server/db/schemaParity.test.ts checks that none is missing.
export const {
  agencies, systems, officers, certificates, vaultKeys, caState, signingRequests, signatures,
  auditLog, outbox, admins, adminPasswordLinks, sessions, challenges, emailVerifications,
  applications, movements, devices, clusterSettings, leases, clients, accessTokens, approvals,
  limitHits, trustedDevices, passkeys, passkeyChallenges, passkeyPolicies, signingPasskeys, pdfDocuments,
  renewalNotices,
} = defineTables(sqliteColumns);
