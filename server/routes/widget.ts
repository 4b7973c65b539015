import { Hono } from 'hono';
import { pickLang } from '../../shared/i18n/index.js';
import { SYSTEMS, type SystemId } from '../../shared/systems.js';
import { allOriginsFor } from '../registry/systems.js';
import type { Services } from '../services.js';
import { widgetAssets } from '../widget/bundle.js';
import { framePage } from '../widget/framePage.js';

const JS = 'application/javascript; charset=utf-8';

/** The widget loader, the dialog frame and its script (issue: the drop-in signing widget). */
export function widgetRoutes(services: Services) {
  return new Hono()
    .get('/widget.js', async (c) => c.body((await widgetAssets()).loader, 200, { 'Content-Type': JS, 'Cache-Control': 'public, max-age=300' }))
    .get('/widget/frame.js', async (c) => c.body((await widgetAssets()).frame, 200, { 'Content-Type': JS, 'Cache-Control': 'public, max-age=300' }))
    .get('/widget/frame', async (c) => {
      const system = c.req.query('system') as SystemId | undefined;
      if (!system || !SYSTEMS.includes(system)) return c.text('Sistem tidak dikenali / unknown system', 400);
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
      return c.html(framePage(pickLang(c.req.query('lang'))), 200, {
        'Content-Security-Policy': csp,
        'Referrer-Policy': 'no-referrer',
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-store',
      });
    });
}
