import type { Context } from 'hono';
import { RoamSignError } from '../../shared/errors.js';
import { pickLang, type Lang } from '../../shared/i18n/index.js';
import { PAGE_ORIGIN_HEADER } from '../../shared/widgetProtocol.js';
import type { SystemClient } from '../clients/findAccessToken.js';
import type { Caller } from '../signing/deps.js';

export function langOf(c: Context): Lang {
  return pickLang(c.req.header('accept-language'));
}

function isOrigin(value: string): boolean {
  try {
    return new URL(value).origin === value;
  } catch {
    return false;
  }
}

/** Origins whose word on the page origin is trusted: this server's own (the signing frame) and the extension's worker. */
export function trustedReporters(config: { publicUrl: string; extensionOrigins: string[] }): ReadonlySet<string> {
  return new Set([new URL(config.publicUrl).origin, ...config.extensionOrigins]);
}

/**
 * The browser origin a request acts for, from the browser's own Origin header. Only our own
 * signing frame (served from `trustedReporters`, so its Origin header is ours) may report the
 * embedding page's origin, which it took from postMessage's event.origin.
 */
export function callerOf(c: Context, trustedReporters: ReadonlySet<string>): Caller {
  const origin = c.req.header('origin') ?? null;
  const reported = c.req.header(PAGE_ORIGIN_HEADER);
  // Set by the Bearer middleware (routes/systemCallers.ts) when a registered system's token came.
  const systemClient = c.var.systemClient as SystemClient | undefined;
  const client = systemClient ? { client: { clientId: systemClient.clientId, system: systemClient.system } } : {};
  if (reported !== undefined && origin !== null && trustedReporters.has(origin)) {
    if (!isOrigin(reported)) throw new RoamSignError('bad_request', { [PAGE_ORIGIN_HEADER]: 'expected an origin' });
    return { origin: reported, lang: langOf(c), ...client };
  }
  return { origin, lang: langOf(c), ...client };
}
