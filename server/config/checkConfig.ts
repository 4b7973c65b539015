import net from 'node:net';
import nodemailer from 'nodemailer';
import { maskValue } from '../backup/backupConfig.js';
import { envSchema, parseConfig, type Config } from '../env.js';
import { probeToken } from '../vault/pkcs11Vault.js';

/** One line of the effective configuration: the variable, its value (secrets masked), where it came from. */
export interface EffectiveSetting {
  name: string;
  value: string;
  source: 'set' | 'default' | 'unset';
}

/** What check-config found: the settings, and every problem (empty: fine). */
export interface ConfigReport {
  settings: EffectiveSetting[];
  problems: string[];
}

/** The probes of outside services; replaced in unit tests only. */
export interface Probes {
  smtp(url: string): Promise<void>;
  tsa(url: string): Promise<void>;
  hsm(vault: Extract<Config['vault'], { backend: 'pkcs11' }>): Promise<void>;
}

const PROBE_MS = 5000;

export const realProbes: Probes = {
  async smtp(url) {
    const parsed = new URL(url);
    const transport = nodemailer.createTransport({
      host: parsed.hostname,
      port: Number(parsed.port || (parsed.protocol === 'smtps:' ? 465 : 587)),
      secure: parsed.protocol === 'smtps:',
      ...(parsed.username ? { auth: { user: decodeURIComponent(parsed.username), pass: decodeURIComponent(parsed.password) } } : {}),
      connectionTimeout: PROBE_MS,
      greetingTimeout: PROBE_MS,
      socketTimeout: PROBE_MS,
    });
    try {
      await transport.verify();
    } finally {
      transport.close();
    }
  },
  async tsa(url) {
    // Any HTTP answer means it is reachable (a GET is not a time-stamp request; 4xx/405 are fine).
    await fetch(url, { method: 'GET', signal: AbortSignal.timeout(PROBE_MS) }).then((res) => res.body?.cancel());
  },
  async hsm(vault) {
    probeToken({ library: vault.library, slotLabel: vault.slotLabel, userPin: vault.pin });
  },
};

/** Every variable of the schema, as the server would run with it (secrets masked). */
export function effectiveSettings(env: Record<string, string | undefined>): EffectiveSetting[] {
  return Object.entries(envSchema.shape).map(([name, schema]) => {
    const raw = env[name];
    if (raw !== undefined && raw !== '') return { name, value: maskValue(name, raw), source: 'set' as const };
    const fallback = (schema as { safeParse(value: unknown): { success: boolean; data?: unknown } }).safeParse(undefined);
    const value = fallback.success && fallback.data !== undefined ? String(fallback.data) : '';
    return { name, value, source: value === '' ? ('unset' as const) : ('default' as const) };
  });
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** True for the private, loopback and link-local IPv4 ranges. */
function privateV4(address: string): boolean {
  const [a, b] = address.split('.').map(Number) as [number, number];
  return a === 10 || a === 127 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254);
}

/** A trusted proxy entry that trusts too much: all of IPv4/IPv6 or a large share, or a public network wider than /24 (/48). */
export function tooWideProxy(entry: string): string | null {
  const [address, bitsText] = entry.split('/');
  const family = net.isIP(address ?? '');
  const bits = bitsText === undefined ? (family === 6 ? 128 : 32) : Number(bitsText);
  if (family === 4 && bits < 8) return `${entry} trusts a large share of all IPv4 addresses`;
  if (family === 6 && bits < 32) return `${entry} trusts a large share of all IPv6 addresses`;
  if (family === 4 && !privateV4(address!) && bits < 24) return `${entry} is a public network wider than /24: anyone there could forge X-Forwarded-For`;
  if (family === 6 && !/^f[cd]|^fe80|^::1$/i.test(address!) && bits < 48) return `${entry} is a public network wider than /48: anyone there could forge X-Forwarded-For`;
  return null;
}

/**
 * check-config (issue 24): the effective configuration and every problem seen. Bad values (the
 * schema's own messages), then the rules of a production deployment, then the outside services.
 */
export async function checkConfig(env: Record<string, string | undefined>, probes: Probes = realProbes): Promise<ConfigReport> {
  const settings = effectiveSettings(env);
  let config: Config;
  try {
    config = parseConfig(env);
  } catch (error) {
    return { settings, problems: (error as Error).message.split('\n').slice(1).map((line) => line.trim()) };
  }
  const problems: string[] = [];
  const url = new URL(config.publicUrl);
  const local = LOCAL_HOSTS.has(url.hostname) || url.hostname === '[::1]';
  const production = env.NODE_ENV === 'production' || !local;
  if (config.sandbox && production) {
    problems.push(`ROAMSIGN_SANDBOX: on in production (${env.NODE_ENV === 'production' ? 'NODE_ENV=production' : `public URL ${config.publicUrl}`}): demo officers with published PINs and an open OTP outbox`);
  }
  if (url.protocol !== 'https:' && !local) problems.push(`ROAMSIGN_PUBLIC_URL: ${config.publicUrl} is not https (certificates, links and passkeys name it)`);
  for (const entry of config.trustedProxies) {
    const wide = tooWideProxy(entry);
    if (wide) problems.push(`ROAMSIGN_TRUSTED_PROXIES: ${wide}`);
  }
  if (config.metrics.port !== undefined && config.metrics.token === undefined && !['127.0.0.1', '::1', 'localhost'].includes(config.metrics.host)) {
    problems.push(`ROAMSIGN_METRICS_HOST: ${config.metrics.host} with no ROAMSIGN_METRICS_TOKEN: anyone reaching that address reads the metrics`);
  }
  const probe = async (name: string, what: string, run: () => Promise<void>) => {
    try {
      await run();
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      problems.push(`${name}: ${what} unreachable (${(error as Error).message.split('\n')[0]}${cause ? `: ${cause}` : ''})`);
    }
  };
  if (config.smtpUrl) await probe('ROAMSIGN_SMTP_URL', `SMTP server ${maskValue('ROAMSIGN_SMTP_URL', config.smtpUrl)}`, () => probes.smtp(config.smtpUrl!));
  if (config.tsa.url) await probe('ROAMSIGN_TSA_URL', `time-stamp authority ${config.tsa.url}`, () => probes.tsa(config.tsa.url!));
  const vault = config.vault;
  if (vault.backend === 'pkcs11') await probe('ROAMSIGN_PKCS11_LIBRARY', `HSM token${vault.slotLabel ? ` "${vault.slotLabel}"` : ''} in ${vault.library}`, () => probes.hsm(vault));
  return { settings, problems };
}
