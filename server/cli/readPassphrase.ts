import fs from 'node:fs';
import { MIN_PASSPHRASE } from '../backup/backupFile.js';
import { UsageError } from './command.js';

/**
 * The backup passphrase: the first line of `--passphrase-file`, else ROAMSIGN_BACKUP_PASSPHRASE.
 * Never an argument (it would sit in the shell history and the process list).
 */
export function readPassphrase(file: string | undefined, env: Record<string, string | undefined> = process.env): string {
  const passphrase = file !== undefined ? (fs.readFileSync(file, 'utf8').split(/\r?\n/)[0] ?? '') : (env.ROAMSIGN_BACKUP_PASSPHRASE ?? '');
  if (passphrase.length < MIN_PASSPHRASE) {
    throw new UsageError(`a passphrase of at least ${MIN_PASSPHRASE} characters is needed: --passphrase-file <file> or ROAMSIGN_BACKUP_PASSPHRASE`);
  }
  return passphrase;
}
