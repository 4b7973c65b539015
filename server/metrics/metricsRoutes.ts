import crypto from 'node:crypto';
import { Hono } from 'hono';
import type { ErrorBody } from '../../shared/errors.js';
import { t } from '../../shared/i18n/index.js';
import type { Metrics } from './metrics.js';

/** Compares in constant time (over the digests, so the lengths leak nothing either). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => crypto.createHash('sha256').update(value).digest();
  return crypto.timingSafeEqual(digest(given), digest(expected));
}

/**
 * GET /metrics in Prometheus' text format (issue 24). With a token, only `Authorization: Bearer
 * <token>` is answered (401 `unauthorized` otherwise); without one it must be served on a
 * separate listener bound where only Prometheus reaches (main.ts).
 */
export function metricsRoutes(metrics: Metrics, token: string | undefined) {
  return new Hono().get('/metrics', async (c) => {
    if (token !== undefined) {
      const given = /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1];
      if (given === undefined || !sameSecret(given, token)) {
        const body: ErrorBody = { error: { code: 'unauthorized', message: t('ms', 'error.unauthorized') } };
        c.header('WWW-Authenticate', 'Bearer realm="metrics"');
        return c.json(body, 401);
      }
    }
    const { text, contentType } = await metrics.scrape();
    c.header('Content-Type', contentType);
    c.header('Cache-Control', 'no-store');
    return c.body(text, 200);
  });
}
