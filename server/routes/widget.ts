import { Hono } from 'hono';
import { pickLang } from '../../shared/i18n/index.js';
import { isSystemId } from '../../shared/systems.js';
import { allOriginsFor } from '../registry/systems.js';
import type { Services } from '../services.js';
import { widgetAssets } from '../widget/bundle.js';
import { embeddingCsp } from '../widget/embeddingCsp.js';
import { framePage } from '../widget/framePage.js';
import { screensOf } from '../widget/systemScreens.js';

const JS = 'application/javascript; charset=utf-8';

/** The widget loader, its page helpers, the dialog frame and its script, and the CSP an embedding page needs. */
export function widgetRoutes(services: Services) {
  const asset = (name: 'loader' | 'frame' | 'page') => async () =>
    new Response((await widgetAssets())[name], { headers: { 'Content-Type': JS, 'Cache-Control': 'public, max-age=300' } });
  return new Hono()
    .get('/widget.js', asset('loader'))
    .get('/widget/page.js', asset('page'))
    .get('/widget/frame.js', asset('frame'))
    .get('/widget/csp', (c) => c.json(embeddingCsp(services.config.publicUrl)))
    .get('/widget/frame', async (c) => {
      const system = c.req.query('system');
      const screens = isSystemId(system) ? screensOf(system) : undefined;
      if (!system || !screens) return c.text('Sistem tidak dikenali / unknown system', 400);
      // Only pages allowed for this system may frame the dialog (the browser enforces frame-ancestors).
      const ancestors = await allOriginsFor(services.db, system, services.config.allowedOrigins);
      const csp = [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'unsafe-inline'",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        `frame-ancestors ${ancestors.length ? ancestors.join(' ') : "'none'"}`,
      ].join('; ');
      return c.html(framePage(pickLang(c.req.query('lang')), screens), 200, {
        'Content-Security-Policy': csp,
        'Referrer-Policy': 'no-referrer',
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-store',
      });
    });
}
