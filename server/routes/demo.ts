import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { RoamSignError } from '../../shared/errors.js';
import { eperolehanAction, eperolehanPage, findEperolehanOrder, DEFAULT_ORDER_NO } from '../demo/legacy/eperolehan.js';
import { findIgfmasDocument, igfmasDocumentPage, igfmasListPage, IGFMAS_ACTIONS } from '../demo/legacy/igfmas.js';
import { carryQuery, errorPage, type LegacySystem, type Markup, type PageContext, type ScreenContext } from '../demo/legacy/layout.js';
import { DEFAULT_OFFICER, findOfficer, type LegacyOfficer } from '../demo/legacy/officers.js';
import { createPostedLog } from '../demo/legacy/postedLog.js';
import { postedPage } from '../demo/legacy/postedPage.js';
import { findSpeksVoucher, isVoucherType, speksShellPage, speksVoucherPage, speksVoucherPath, SPEKS_ACTIONS, vouchersOfType } from '../demo/legacy/speks.js';

/** A posted legacy form is small; a CMS signature in a hidden input is a few KB. */
const MAX_FORM_BYTES = 256 * 1024;

type FormFields = Record<string, string | string[]>;

function textOf(value: string | File): string {
  return typeof value === 'string' ? value : `[fail ${value.name}, ${value.size} bait]`;
}

/** Every posted field as text (fromEntries: a field named __proto__ stays an ordinary key). */
async function readForm(c: Context): Promise<FormFields> {
  // A malformed or cut-short multipart body is bad input, never a 5xx (issue 9).
  const body = await c.req.parseBody({ all: true }).catch((error: unknown) => {
    throw new RoamSignError('bad_request', { reason: 'form_malformed' }, { cause: error });
  });
  return Object.fromEntries(Object.entries(body).map(([name, value]) => [name, Array.isArray(value) ? value.map(textOf) : textOf(value)]));
}

function systemOfPath(path: string): LegacySystem {
  if (path.startsWith('/demo/eperolehan')) return 'eperolehan';
  if (path.startsWith('/demo/speks')) return 'speks';
  return 'igfmas';
}

function single(fields: FormFields, name: string): string | undefined {
  const value = fields[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The demo legacy screens of iGFMAS, ePerolehan and SPEKS (DESIGN.md) with their own in-memory
 * record of what was posted. Query `?user=<nric>` picks the logged-in demo officer (or, through
 * `findUser`, an officer enrolled in RoamSign since), `?widget=1` adds the agency-embed
 * `<script src=widgetScriptUrl data-system=…>` tag.
 */
export function demoRoutes(options: { widgetScriptUrl: string; now?: () => number; findUser?: (nric: string) => Promise<LegacyOfficer | undefined> }): Hono {
  const { widgetScriptUrl, now = Date.now, findUser } = options;
  const postedLog = createPostedLog();

  /** The request's screen context, or undefined when `?user=` names no demo officer. */
  async function screenContext(c: Context): Promise<ScreenContext | undefined> {
    const user = c.req.query('user');
    const officer = user === undefined ? DEFAULT_OFFICER : (findOfficer(user) ?? (await findUser?.(user.replace(/-/g, ''))));
    if (!officer) return undefined;
    return { officer, explicitUser: user !== undefined, widget: c.req.query('widget') === '1', widgetLang: c.req.query('lang') === 'en' ? 'en' : null, widgetScriptUrl, now: new Date(now()) };
  }

  /** For pages answered before the officer is known: nobody logged in, no widget. */
  function anonymousContext(): PageContext {
    return { officer: null, explicitUser: false, widget: false, widgetLang: null, widgetScriptUrl, now: new Date(now()) };
  }

  function fail(c: Context, status: 400 | 404 | 413, page: Parameters<typeof errorPage>[0]) {
    return c.html(errorPage(page), status);
  }

  function unknownUser(c: Context, system: LegacySystem, home: string, framed = false) {
    return fail(c, 404, {
      system,
      ctx: anonymousContext(),
      framed,
      title: 'Pengguna tidak dikenali',
      message: 'ID Pengguna tidak wujud dalam sistem. Sila log masuk semula.',
      backHref: home,
    });
  }

  /** Records what the legacy system received and answers "Dokumen telah diposkan". */
  function post(
    c: Context,
    options: { system: LegacySystem; ctx: ScreenContext; documentNo: string; action: string; fields: FormFields; backHref: string; framed?: boolean },
  ): Response | Promise<Response> {
    const { system, ctx, documentNo, action, fields, backHref, framed } = options;
    const posted = postedLog.add({ system, documentNo, action, officer: ctx.officer.nric, fields, postedAt: new Date(now()).toISOString() });
    const page: Markup = postedPage({ posted, ctx, backHref, framed });
    return c.html(page);
  }

  const limitForm = bodyLimit({
    maxSize: MAX_FORM_BYTES,
    onError: (c) =>
      c.html(
        errorPage({
          system: systemOfPath(c.req.path),
          ctx: anonymousContext(),
          framed: c.req.path.startsWith('/demo/speks/'),
          title: 'Borang terlalu besar',
          message: 'Saiz borang yang dihantar melebihi had yang dibenarkan.',
          backHref: 'javascript:history.back()',
        }),
        413,
      ),
  });

  return (
    new Hono()
      // `?csp=strict`: the screen as a hardened legacy server sends it (for the extension's tests):
      // only its own scripts, frames and connections.
      .use('/demo/*', async (c, next) => {
        await next();
        if (c.req.query('csp') === 'strict') {
          c.res.headers.set(
            'Content-Security-Policy',
            "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self'; connect-src 'self'; frame-src 'self'; form-action 'self'; base-uri 'self'",
          );
        }
      })
      // iGFMAS: the STH worklist and document screen (Peraku I, Peraku II, Sah).
      .get('/demo/igfmas', async (c) => {
        const ctx = await screenContext(c);
        if (!ctx) return unknownUser(c, 'igfmas', '/demo/igfmas');
        return c.html(igfmasListPage(ctx));
      })
      .get('/demo/igfmas/document/:docNo', async (c) => {
        const ctx = await screenContext(c);
        if (!ctx) return unknownUser(c, 'igfmas', '/demo/igfmas');
        const doc = findIgfmasDocument(c.req.param('docNo'));
        if (!doc) return fail(c, 404, { system: 'igfmas', ctx, title: 'Dokumen tidak dijumpai', message: `Dokumen ${c.req.param('docNo')} tidak wujud dalam sistem.`, backHref: `/demo/igfmas${carryQuery(ctx)}` });
        return c.html(igfmasDocumentPage(ctx, doc));
      })
      .post('/demo/igfmas/document/:docNo', limitForm, async (c) => {
        const ctx = await screenContext(c);
        if (!ctx) return unknownUser(c, 'igfmas', '/demo/igfmas');
        const back = `/demo/igfmas${carryQuery(ctx)}`;
        const doc = findIgfmasDocument(c.req.param('docNo'));
        if (!doc) return fail(c, 404, { system: 'igfmas', ctx, title: 'Dokumen tidak dijumpai', message: `Dokumen ${c.req.param('docNo')} tidak wujud dalam sistem.`, backHref: back });
        const fields = await readForm(c);
        const action = single(fields, 'tindakan');
        if (!action || !(IGFMAS_ACTIONS as readonly string[]).includes(action)) {
          return fail(c, 400, { system: 'igfmas', ctx, title: 'Tindakan tidak sah', message: 'Sila pilih tindakan Peraku I, Peraku II atau Sah.', backHref: back });
        }
        return post(c, { system: 'igfmas', ctx, documentNo: doc.docNo, action, fields, backHref: back });
      })

      // ePerolehan: purchase order / contract approval (Perakui, Sahkan, Lulus via hantarLulus()).
      .get('/demo/eperolehan', async (c) => {
        const ctx = await screenContext(c);
        if (!ctx) return unknownUser(c, 'eperolehan', '/demo/eperolehan');
        const orderNo = c.req.query('noPesanan') ?? DEFAULT_ORDER_NO;
        const order = findEperolehanOrder(orderNo);
        if (!order) return fail(c, 404, { system: 'eperolehan', ctx, title: 'Pesanan tidak dijumpai', message: `No. pesanan ${orderNo} tidak wujud.`, backHref: `/demo/eperolehan${carryQuery(ctx)}` });
        return c.html(eperolehanPage(ctx, order));
      })
      .post('/demo/eperolehan', limitForm, async (c) => {
        const ctx = await screenContext(c);
        if (!ctx) return unknownUser(c, 'eperolehan', '/demo/eperolehan');
        const back = `/demo/eperolehan${carryQuery(ctx)}`;
        const fields = await readForm(c);
        const orderNo = single(fields, 'noPesanan') ?? '';
        const order = findEperolehanOrder(orderNo);
        if (!order) return fail(c, 404, { system: 'eperolehan', ctx, title: 'Pesanan tidak dijumpai', message: `No. pesanan ${orderNo} tidak wujud.`, backHref: back });
        const action = eperolehanAction(fields);
        if (!action) return fail(c, 400, { system: 'eperolehan', ctx, title: 'Tindakan tidak sah', message: 'Sila pilih tindakan Perakui, Sahkan atau Lulus.', backHref: back });
        return post(c, { system: 'eperolehan', ctx, documentNo: order.orderNo, action, fields, backHref: `/demo/eperolehan${carryQuery(ctx, { noPesanan: order.orderNo })}` });
      })

      // SPEKS: the shell with the voucher in an iframe; the Semak / Lulus form lives in the iframe page.
      .get('/demo/speks', async (c) => {
        const ctx = await screenContext(c);
        if (!ctx) return unknownUser(c, 'speks', '/demo/speks');
        const type = c.req.query('jenis') ?? 'bayaran';
        const home = `/demo/speks${carryQuery(ctx)}`;
        if (!isVoucherType(type)) return fail(c, 404, { system: 'speks', ctx, title: 'Skrin tidak dijumpai', message: `Jenis baucer ${type} tidak wujud.`, backHref: home });
        const voucherNo = c.req.query('noBaucer');
        const voucher = voucherNo === undefined ? vouchersOfType(type)[0] : findSpeksVoucher(voucherNo);
        if (!voucher || voucher.type !== type) return fail(c, 404, { system: 'speks', ctx, title: 'Baucer tidak dijumpai', message: `Baucer ${voucherNo ?? ''} tidak wujud.`, backHref: home });
        return c.html(speksShellPage(ctx, type, voucher));
      })
      .get('/demo/speks/baucer/:noBaucer', async (c) => {
        const ctx = await screenContext(c);
        if (!ctx) return unknownUser(c, 'speks', '/demo/speks', true);
        const voucher = findSpeksVoucher(c.req.param('noBaucer'));
        if (!voucher) return fail(c, 404, { system: 'speks', ctx, framed: true, title: 'Baucer tidak dijumpai', message: `Baucer ${c.req.param('noBaucer')} tidak wujud.`, backHref: `/demo/speks${carryQuery(ctx)}` });
        return c.html(speksVoucherPage(ctx, voucher));
      })
      .post('/demo/speks/baucer/:noBaucer', limitForm, async (c) => {
        const ctx = await screenContext(c);
        if (!ctx) return unknownUser(c, 'speks', '/demo/speks', true);
        const voucher = findSpeksVoucher(c.req.param('noBaucer'));
        if (!voucher) return fail(c, 404, { system: 'speks', ctx, framed: true, title: 'Baucer tidak dijumpai', message: `Baucer ${c.req.param('noBaucer')} tidak wujud.`, backHref: `/demo/speks${carryQuery(ctx)}` });
        const back = `${speksVoucherPath(voucher.voucherNo)}${carryQuery(ctx)}`;
        const fields = await readForm(c);
        const action = single(fields, 'tindakan')?.toLowerCase();
        if (!action || !(SPEKS_ACTIONS as readonly string[]).includes(action)) {
          return fail(c, 400, { system: 'speks', ctx, framed: true, title: 'Tindakan tidak sah', message: 'Sila pilih tindakan Semak atau Lulus.', backHref: back });
        }
        return post(c, { system: 'speks', ctx, documentNo: voucher.voucherNo, action, fields, backHref: back, framed: true });
      })

      // What the legacy systems received, newest first: for tests and demos.
      .get('/demo/posted.json', (c) => c.json(postedLog.list()))
  );
}
