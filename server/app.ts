import { badInputFromDatabase } from './db/dataException.js';
import { $, OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { ERROR_STATUS, RoamSignError, type ErrorBody, type ErrorCode } from '../shared/errors.js';
import { t } from '../shared/i18n/index.js';
import { spentText } from '../shared/i18n/labels.js';
import { retryAfterOf } from './limits/refuseSpent.js';
import { closeAfterRefusedBody, limitBodies, MAX_BODY_BYTES } from './http/bodyLimit.js';
import { findOfficer } from './registry/officers.js';
import { allKnownOrigins } from './registry/systems.js';
import { langOf, trustedReporters } from './routes/caller.js';
import { approvalRoutes } from './routes/approvals.js';
import { demoRoutes } from './routes/demo.js';
import { devApiRoutes, devPageRoutes } from './routes/dev.js';
import { healthRoutes } from './routes/health.js';
import { metricsRoutes } from './metrics/metricsRoutes.js';
import { createDrain, type Drain } from './http/drain.js';
import { mobileApiRoutes, mobilePageRoutes } from './routes/mobile.js';
import { passkeyCeremonyRoutes } from './routes/passkeyCeremony.js';
import { apiReferenceRoutes, type ReferenceDocument } from './docs/apiReference.js';
import { apiRoutes } from './routes/apiRoute.js';
import { serveOpenApi } from './routes/openapi.js';
import { oauthRoutes } from './routes/oauth.js';
import { pdfReportRoutes } from './routes/pdfReport.js';
import { pdfCallers, pdfRoutes } from './routes/pdfs.js';
import { ocspRoutes } from './routes/ocsp.js';
import { pkiRoutes } from './routes/pki.js';
import { tsaRoutes } from './routes/tsa.js';
import { portalRoutes } from './routes/portal.js';
import { signingRequestRoutes } from './routes/signingRequests.js';
import { systemCallers } from './routes/systemCallers.js';
import { userRoutes } from './routes/users.js';
import { verifyRoutes } from './routes/verify.js';
import { widgetRoutes } from './routes/widget.js';
import type { Services } from './services.js';
import { PAGE_ORIGIN_HEADER } from '../shared/widgetProtocol.js';

/**
 * The portal reads and limits its own forms (2 MiB, for CSV imports), so it can answer in its
 * pages. A PDF upload (POST /api/v1/pdfs, /api/v1/pdfs/verify) may be as large as the PDF limit.
 */
const bodyLimitOf = (pdfMaxBytes: number) => (path: string) =>
  path.startsWith('/portal/') ? null : path === '/api/v1/pdfs' || path === '/api/v1/pdfs/verify' ? pdfMaxBytes : MAX_BODY_BYTES;

/** In the sandbox, a 429 names the command that gives the demo officers their budgets back. */
const SANDBOX_RESET = 'npm run roamsign -- reset-limits';

function errorResponse(c: Context, code: ErrorCode, details?: Record<string, unknown>, options: { sandbox?: boolean } = {}) {
  const lang = langOf(c);
  // A spent budget says why, until when (Malaysian time) and what works meanwhile (issue 23 item 1).
  const message = code === 'rate_limited' ? spentText(lang, details, { plain: t(lang, 'error.rate_limited'), ...(options.sandbox ? { sandboxReset: SANDBOX_RESET } : {}) }) : t(lang, `error.${code}`);
  const body: ErrorBody = { error: { code, message, ...(details ? { details } : {}) } };
  if (code === 'rate_limited') c.header('Retry-After', retryAfterOf(new RoamSignError(code, details))!);
  return c.json(body, ERROR_STATUS[code] as 400);
}

const HTTP_STATUS_CODES: Record<number, ErrorCode> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  413: 'payload_too_large',
};

/** The whole HTTP surface over the given services; main.ts only serves it. */
export function createApp(services: Services, options: { drain?: Drain } = {}) {
  const drain = options.drain ?? createDrain();
  const { log, config } = services;
  const trusted = trustedReporters(config);
  // API.md "Caller authentication": a browser (Origin) or a registered system (Bearer), nobody else.
  const signingCallers = systemCallers(services, { scope: 'signing', browsers: true });

  const api = $(
    new OpenAPIHono().use('*', async (c, next) => {
      // Browsers may call the API only from an origin allowed for some system; CORS answers only those.
      const origin = c.req.header('origin');
      if (origin === undefined) return next();
      if (!(await allKnownOrigins(services.db)).has(origin) && !config.allowedOrigins.includes(origin) && !trusted.has(origin)) {
        throw new RoamSignError('origin_not_allowed');
      }
      c.header('Access-Control-Allow-Origin', origin);
      c.header('Vary', 'Origin');
      if (c.req.method === 'OPTIONS') {
        c.header('Access-Control-Allow-Methods', 'GET, POST, DELETE, OPTIONS');
        c.header('Access-Control-Allow-Headers', `Content-Type, Accept-Language, Authorization, ${PAGE_ORIGIN_HEADER}`);
        c.header('Access-Control-Max-Age', '600');
        return c.body(null, 204);
      }
      return next();
    })
    // Hono's `/x/*` matches `/x` too: one registration each, so a call is authenticated once
    // (twice cost a second token lookup per request).
    .use('/signing-requests/*', signingCallers)
    .use('/pdfs/*', pdfCallers(signingCallers)),
  )
    .route('/', healthRoutes({ db: services.db, draining: () => drain.draining }))
    .route('/', userRoutes(services))
    .route('/', signingRequestRoutes(services))
    .route('/', approvalRoutes(services))
    .route('/', verifyRoutes(services))
    .route('/', pdfRoutes(services))
    .route('/', mobileApiRoutes(services, services.pushHub))
    // Sandbox only at run time; always in the type, so the testers' typed client can read the outbox.
    .route('/', config.sandbox ? devApiRoutes(services) : (apiRoutes() as unknown as ReturnType<typeof devApiRoutes>));

  // OpenAPIHono gathers the createRoute declarations of the groups mounted under it (serveOpenApi).
  const root = new OpenAPIHono();
  // Bound below, once every group is mounted; /docs renders the same document as /openapi.json.
  let openApiDocument = (): ReferenceDocument => {
    throw new Error('the OpenAPI document is read before the app is built');
  };
  const app = root
    .use('*', async (c, next) => {
      const started = performance.now();
      await next();
      // Method, path and status only: bodies (PINs, OTPs) are never logged.
      log.info('http', { method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started) });
    })
    // Every 429 carries Retry-After (issue 23 item 1); the error handlers set the exact wait.
    .use('*', async (c, next) => {
      await next();
      if (c.res.status === 429 && !c.res.headers.has('Retry-After')) c.res.headers.set('Retry-After', '60');
    })
    .use('*', drain.middleware)
    .use('*', closeAfterRefusedBody)
    // Every body is read within its limit, counted as it streams, before any route runs.
    .use('*', limitBodies(bodyLimitOf(config.pdf.maxBytes)))
    .route('/api/v1', api)
    .route('/', oauthRoutes(services))
    .route('/', pkiRoutes(services))
    .route('/', ocspRoutes(services))
    .route('/', tsaRoutes(services))
    .route('/', pdfReportRoutes(services))
    .route('/', apiReferenceRoutes(() => openApiDocument()))
    .route('/', widgetRoutes(services))
    .route('/', mobilePageRoutes())
    .route('/', passkeyCeremonyRoutes())
    .route('/', portalRoutes(services))
    .get('/', (c) => c.redirect('/docs'));
  // Issue 24: /metrics on this port only behind a bearer token (a token-less one has a listener of its own, main.ts).
  if (services.metrics && config.metrics.token !== undefined) app.route('/', metricsRoutes(services.metrics, config.metrics.token));
  if (config.sandbox) {
    app.route('/', devPageRoutes(services));
    // Demo legacy screens: they know nothing of RoamSign; ?widget=1 adds the agency's one script tag.
    // Their user directory also knows the officers enrolled through the portal (issue 5's demo walk-through).
    const findUser = async (nric: string) => {
      const officer = /^\d{12}$/.test(nric) ? await findOfficer(services.db, nric) : undefined;
      return officer && { nric: officer.nric, name: officer.name, ptj: [officer.agencyCode, officer.accountingOffice].filter(Boolean).join(' ') };
    };
    app.route('/', demoRoutes({ widgetScriptUrl: `${config.publicUrl}/widget.js`, now: services.now, findUser }));
  }

  const generated = serveOpenApi(root, config.publicUrl);
  openApiDocument = () => generated() as ReferenceDocument;

  app.notFound((c) => errorResponse(c, 'not_found'));
  app.onError((thrown, c) => {
    const mapped = badInputFromDatabase(thrown);
    if (mapped) log.info('bad_value', { path: c.req.path, error: thrown.name, message: thrown.message });
    const error = mapped ?? thrown;
    if (error instanceof RoamSignError) {
      if (error.code === 'internal') log.error('internal', { path: c.req.path, cause: String((error.cause as Error | undefined)?.message ?? '') });
      return errorResponse(c, error.code, error.details, { sandbox: config.sandbox });
    }
    if (error instanceof HTTPException) {
      // Hono's own 4xx (for example malformed JSON) keep their status class with a stable code.
      const code = HTTP_STATUS_CODES[error.status] ?? (error.status < 500 ? 'bad_request' : 'internal');
      return errorResponse(c, code, code === 'bad_request' ? { body: error.message } : undefined);
    }
    log.error('internal', { path: c.req.path, error: error.name, message: error.message });
    return errorResponse(c, 'internal');
  });
  return app;
}

export type AppType = ReturnType<typeof createApp>;
