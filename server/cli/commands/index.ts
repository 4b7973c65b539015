import type { Command } from '../command.js';
import { auditVerify } from './auditVerify.js';
import { backup } from './backup.js';
import { caRollover } from './caRollover.js';
import { checkConfigCommand } from './checkConfig.js';
import { createAdmin } from './createAdmin.js';
import { createClient } from './createClient.js';
import { crl } from './crl.js';
import { gate } from './gate.js';
import { importOfficers } from './importOfficers.js';
import { listClients } from './listClients.js';
import { migrateToPostgres } from './migrateToPostgres.js';
import { movement } from './movement.js';
import { passkeyPolicy } from './passkeyPolicy.js';
import { reactivate } from './reactivate.js';
import { removeDemoData } from './removeDemoData.js';
import { renew } from './renew.js';
import { reinstate, suspend } from './suspend.js';
import { resendVerification } from './resendVerification.js';
import { resetAdminPassword } from './resetAdminPassword.js';
import { resetLimits } from './resetLimits.js';
import { restore } from './restore.js';
import { restoreCheck } from './restoreCheck.js';
import { revoke } from './revoke.js';
import { revokeClient } from './revokeClient.js';
import { rotateClient } from './rotateClient.js';
import { runJobs } from './runJobs.js';
import { seedScale } from './seedScale.js';
import { unlock } from './unlock.js';

/** Every command of `npm run roamsign`, in the order `help` lists them. */
export const COMMANDS: readonly Command[] = [
  auditVerify,
  revoke,
  renew,
  suspend,
  reinstate,
  crl,
  caRollover,
  unlock,
  resetLimits,
  movement,
  runJobs,
  reactivate,
  createAdmin,
  resetAdminPassword,
  importOfficers,
  resendVerification,
  removeDemoData,
  createClient,
  rotateClient,
  revokeClient,
  listClients,
  passkeyPolicy,
  gate,
  migrateToPostgres,
  seedScale,
  backup,
  restore,
  restoreCheck,
  checkConfigCommand,
];
