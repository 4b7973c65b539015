import type { Config } from '../env.js';
import { envSchema } from '../env.js';

/** Variables whose values are secrets: kept out of the backup's and check-config's copies. */
const SECRET = /PIN|TOKEN|PASSPHRASE|PASSWORD|SECRET|CREDENTIALS/;

/** A value with its secret parts masked: a secret variable whole, a URL's password. */
export function maskValue(name: string, value: string): string {
  if (SECRET.test(name)) return '***';
  try {
    const url = new URL(value);
    if (url.password) {
      url.password = '***';
      return url.toString();
    }
  } catch {
    // not a URL
  }
  return value;
}

/**
 * The configuration that matters for a restore: every RoamSign variable that is set (secrets
 * masked, so the operator knows which ones to supply again), with the effective vault and public URL.
 */
export function backupConfig(config: Config, env: Record<string, string | undefined>): Record<string, unknown> {
  const variables: Record<string, string> = {};
  for (const name of Object.keys(envSchema.shape)) {
    const value = env[name];
    if (value !== undefined && value !== '') variables[name] = maskValue(name, value);
  }
  return { publicUrl: config.publicUrl, sandbox: config.sandbox, vault: config.vault.backend, pdfLevel: config.pdf.level, variables };
}
