import crypto from 'node:crypto';
import type { Server } from 'node:http';
import zlib from 'node:zlib';
import { serve } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { html } from 'hono/html';
import { stream } from 'hono/streaming';
import { WebSocketServer } from 'ws';

// A legacy back end that knows nothing of RoamSign, for the gate's tests: cookie sessions, three
// approval screens (an urlencoded form, a multipart form with an attachment, a JSON post made by
// the page's own script), absolute redirects to its own address, and plain traffic of every kind
// (compressed, streamed, binary, uploads, HEAD, 204, 304, WebSocket).

export interface ReceivedPost {
  method: string;
  path: string;
  contentType: string;
  /** The body bytes exactly as the back end received them. */
  raw: Buffer;
  /** The approval id the gate added, if any. */
  approval: string | null;
  officer: string | null;
}

export const STH_DOCUMENTS = [
  { noDokumen: 'STH-2026-000901', tarikh: '02/03/2026', vendor: 'Syarikat Maju Jaya Sdn Bhd', amaun: '21,300.00', keterangan: 'Bekalan komputer riba untuk Unit Kewangan' },
  { noDokumen: 'STH-2026-000902', tarikh: '03/03/2026', vendor: 'Cahaya Elektrik Enterprise', amaun: '4,180.50', keterangan: 'Penyelenggaraan pendawaian bangunan' },
  { noDokumen: 'STH-2026-000903', tarikh: '04/03/2026', vendor: 'Syarikat Air Bersih', amaun: '960.00', keterangan: 'Bil air bulan Februari 2026' },
  { noDokumen: 'STH-2026-000904', tarikh: '05/03/2026', vendor: 'Pustaka Ilmu Sdn Bhd', amaun: '3,275.40', keterangan: 'Buku rujukan perakaunan' },
] as const;
export type SthDocument = (typeof STH_DOCUMENTS)[number];

export const CLAIMS = [{ noTuntutan: 'TNT-2026-0042', pemohon: 'Ahmad bin Ali', amaun: '1,250.00' }] as const;
export const ORDERS = [{ noPesanan: 'PO-2026-7001', pembekal: 'Syarikat Alat Tulis', jumlah: '880.00' }] as const;

/** A script shipped compressed, as real back ends do. */
export const APP_JS = Buffer.from(`/* legacy app */\n${'function legacy(){return 42;}\n'.repeat(400)}`);
const APP_JS_GZIP = zlib.gzipSync(APP_JS);
export const APP_JS_ETAG = `"${crypto.createHash('sha1').update(APP_JS).digest('hex')}"`;
/** 1 MiB of non-text bytes. */
export const BINARY = crypto.createHash('sha512').update('seed').digest().subarray(0, 64);
const BIG = Buffer.concat(Array.from({ length: 16384 }, () => BINARY));

const formatNric = (nric: string) => `${nric.slice(0, 6)}-${nric.slice(6, 8)}-${nric.slice(8)}`;

function page(title: string, officer: string | null, body: unknown, extraHead: unknown = '') {
  return html`<!doctype html>
<html lang="ms">
<head><meta charset="utf-8"><title>${title}</title>${extraHead}</head>
<body>
<header><h1>Sistem Kewangan Warisan</h1><p>ID Pengguna: <span id="idPengguna">${officer ? formatNric(officer) : ''}</span></p></header>
<main>${body}</main>
</body>
</html>`;
}

export interface LegacyBackend {
  url: string;
  port: number;
  received: ReceivedPost[];
  /** Posts received on approval paths (what the gate let through). */
  approvals(): ReceivedPost[];
  /** The next STH approval post is not taken: the connection is reset, or it is answered with this 5xx status. */
  failNextApproval(how: 'reset' | number): void;
  close(): Promise<void>;
}

export async function startLegacyBackend(): Promise<LegacyBackend> {
  const sessions = new Map<string, string>();
  const received: ReceivedPost[] = [];
  let origin = '';
  let failNext: 'reset' | number | null = null;

  const officerOf = (c: Context) => sessions.get(getCookie(c, 'sid') ?? '') ?? null;

  async function record(c: Context): Promise<ReceivedPost> {
    const raw = Buffer.from(await c.req.arrayBuffer());
    const post: ReceivedPost = {
      method: c.req.method,
      path: c.req.path,
      contentType: c.req.header('content-type') ?? '',
      raw,
      approval: c.req.header('x-roamsign-approval') ?? null,
      officer: officerOf(c),
    };
    received.push(post);
    return post;
  }

  const app = new Hono()
    // Sign-in: a session cookie (and a second cookie), then an absolute redirect to our own address.
    .get('/login', (c) => {
      const user = c.req.query('user') ?? '';
      if (!/^\d{12}$/.test(user)) return c.text('who?', 400);
      const sid = crypto.randomBytes(16).toString('hex');
      sessions.set(sid, user);
      setCookie(c, 'sid', sid, { httpOnly: true, path: '/', sameSite: 'Lax' });
      setCookie(c, 'bahasa', 'ms', { path: '/' });
      return c.redirect(`${origin}${c.req.query('next') ?? '/sth'}`, 302);
    })
    .get('/whoami', (c) => {
      const nric = officerOf(c);
      return nric ? c.json({ user: { nric } }) : c.json({ error: 'not signed in' }, 401);
    })
    .get('/sth', (c) =>
      c.html(page('Senarai STH', officerOf(c), html`<ul>${STH_DOCUMENTS.map((d) => html`<li><a href="/sth/${d.noDokumen}">${d.noDokumen}</a></li>`)}</ul>`)),
    )
    // Screen 1: an urlencoded form; the officer comes from the session.
    .get('/sth/:docNo', (c) => {
      const doc = STH_DOCUMENTS.find((d) => d.noDokumen === c.req.param('docNo'));
      if (!doc) return c.text('tiada', 404);
      return c.html(
        page(
          `Dokumen ${doc.noDokumen}`,
          officerOf(c),
          html`<form id="frmSTH" method="post" action="/sth/${doc.noDokumen}/approve">
<label>No. Dokumen <input id="noDokumen" name="noDokumen" value="${doc.noDokumen}" readonly></label>
<label>Tarikh <input id="tarikh" name="tarikh" value="${doc.tarikh}" readonly></label>
<label>Vendor <input id="vendor" name="vendor" value="${doc.vendor}" readonly></label>
<label>Amaun <input id="amaun" name="amaun" value="${doc.amaun}" readonly></label>
<label>Keterangan <textarea id="keterangan" name="keterangan" readonly>${doc.keterangan}</textarea></label>
<button type="submit" name="tindakan" value="simpan" id="btnSimpan">Simpan</button>
<button type="submit" name="tindakan" value="lulus" id="btnLulus">Lulus</button>
</form>`,
        ),
      );
    })
    .post('/sth/:docNo/approve', async (c) => {
      const failing = failNext;
      failNext = null;
      if (failing === 'reset') {
        (c.env as { incoming: { socket: { destroy(): void } } }).incoming.socket.destroy();
        return c.body(null);
      }
      if (failing !== null) return c.text('ralat dalaman', failing as 500);
      await record(c);
      // Post / redirect / get, to the back end's own absolute address (303: the gate must rewrite it).
      return c.redirect(`${origin}/sth/${c.req.param('docNo')}/done`, 303);
    })
    .get('/sth/:docNo/done', (c) => c.html(page('Selesai', officerOf(c), html`<p id="selesai">Dokumen ${c.req.param('docNo')} telah diluluskan.</p>`)))
    // Screen 2: a multipart form with an attachment; the officer is a posted field.
    .get('/claims/:no', (c) => {
      const claim = CLAIMS.find((d) => d.noTuntutan === c.req.param('no'));
      if (!claim) return c.text('tiada', 404);
      return c.html(
        page(
          `Tuntutan ${claim.noTuntutan}`,
          officerOf(c),
          html`<form id="frmTuntutan" method="post" action="/claims/${claim.noTuntutan}/approve" enctype="multipart/form-data">
<input type="hidden" name="pegawai" value="${officerOf(c) ?? ''}">
<label>No. Tuntutan <input id="noTuntutan" name="noTuntutan" value="${claim.noTuntutan}" readonly></label>
<label>Pemohon <input id="pemohon" name="pemohon" value="${claim.pemohon}" readonly></label>
<label>Amaun <input id="amaunTuntutan" name="amaun" value="${claim.amaun}" readonly></label>
<label>Lampiran <input type="file" name="lampiran"></label>
<button type="submit" name="tindakan" value="lulus" id="btnLulusTuntutan">Lulus</button>
</form>`,
        ),
      );
    })
    .post('/claims/:no/approve', async (c) => {
      await record(c);
      return c.html(page('Selesai', officerOf(c), html`<p id="selesai">Tuntutan ${c.req.param('no')} telah diluluskan.</p>`));
    })
    // Screen 3: the page's own script posts JSON with fetch (XHR style); the officer comes from the session.
    .get('/orders/:no', (c) => {
      const order = ORDERS.find((d) => d.noPesanan === c.req.param('no'));
      if (!order) return c.text('tiada', 404);
      const script = html`<script>
document.getElementById('btnLulusPesanan').addEventListener('click', async function () {
  var form = document.getElementById('frmPesanan');
  var body = Object.fromEntries(new FormData(form));
  body.tindakan = 'lulus';
  var res = await fetch(form.action, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Accept': 'application/json' }, body: JSON.stringify(body) });
  var answer = await res.json();
  document.getElementById('keputusan').textContent = res.status + ' ' + (answer.error ? answer.error.details.reason + ': ' + answer.error.message : 'diluluskan');
});
</script>`;
      return c.html(
        page(
          `Pesanan ${order.noPesanan}`,
          officerOf(c),
          html`<form id="frmPesanan" action="/api/orders/${order.noPesanan}/approve" onsubmit="return false">
<label>No. Pesanan <input id="noPesanan" name="noPesanan" value="${order.noPesanan}" readonly></label>
<label>Pembekal <input id="pembekal" name="pembekal" value="${order.pembekal}" readonly></label>
<label>Jumlah <input id="jumlah" name="jumlah" value="${order.jumlah}" readonly></label>
<button type="button" id="btnLulusPesanan">Lulus</button>
</form>
<p id="keputusan" role="status"></p>
${script}`,
        ),
      );
    })
    .post('/api/orders/:no/approve', async (c) => {
      await record(c);
      return c.json({ ok: true, order: c.req.param('no') });
    })

    // A document API that acts on any method under its prefix (the gate's ANY rule on /api/docs/:no/*).
    .all('/api/docs/:no/*', async (c) => {
      if (c.req.method === 'GET' && !c.req.query('tindakan')) return c.json({ doc: c.req.param('no') });
      const post = await record(c);
      return c.json({ ok: true, doc: c.req.param('no'), method: post.method });
    })

    // Plain traffic the gate must pass unchanged.
    .get('/static/app.js', (c) => {
      if (c.req.header('if-none-match') === APP_JS_ETAG) return c.body(null, 304, { ETag: APP_JS_ETAG });
      const gzip = /\bgzip\b/.test(c.req.header('accept-encoding') ?? '');
      return c.body(gzip ? APP_JS_GZIP : APP_JS, 200, {
        'Content-Type': 'application/javascript; charset=utf-8',
        ETag: APP_JS_ETAG,
        'Cache-Control': 'max-age=60',
        Vary: 'Accept-Encoding',
        ...(gzip ? { 'Content-Encoding': 'gzip' } : {}),
      });
    })
    .get('/big.bin', (c) => c.body(BIG, 200, { 'Content-Type': 'application/octet-stream' }))
    .get('/stream', (c) =>
      stream(c, async (s) => {
        for (let i = 0; i < 5; i++) {
          await s.write(`baris ${i}\n`);
          await s.sleep(5);
        }
      }),
    )
    .post('/echo', async (c) => {
      const raw = Buffer.from(await c.req.arrayBuffer());
      return c.body(raw, 200, { 'Content-Type': c.req.header('content-type') ?? 'application/octet-stream', 'X-Received-Bytes': String(raw.length) });
    })
    .post('/sth/:docNo/comment', async (c) => {
      await record(c);
      return c.redirect('/sth', 302);
    })
    .delete('/items/:id', (c) => c.body(null, 204))
    .get('/headers', (c) => c.json(c.req.header()))
    .get('/latin1', () => new Response(Buffer.from('<!doctype html><html><head><title>Caf\xe9</title></head><body><p>Harga: \xa3 5 \xe9t\xe9</p></body></html>', 'latin1'), { headers: { 'Content-Type': 'text/html; charset=iso-8859-1' } }))
    .notFound((c) => c.text('tiada', 404));

  // Every page of the screens carries a strict CSP, as a hardened legacy server sends it: the
  // widget only loads where the gate widens it.
  const withCsp = new Hono()
    .use('*', async (c, next) => {
      await next();
      if (c.res.headers.get('content-type')?.startsWith('text/html')) {
        c.res.headers.set('Content-Security-Policy', "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; form-action 'self'");
      }
    })
    .route('/', app);

  const server = serve({ fetch: withCsp.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  await new Promise<void>((resolve) => (server.listening ? resolve() : server.once('listening', () => resolve())));
  const port = (server.address() as { port: number }).port;
  origin = `http://127.0.0.1:${port}`;

  // WebSocket echo at /ws.
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    if (req.url !== '/ws') return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => ws.on('message', (data, binary) => ws.send(data, { binary })));
  });

  const APPROVAL_PATH = /\/approve$/;
  return {
    url: origin,
    port,
    received,
    approvals: () => received.filter((p) => APPROVAL_PATH.test(p.path)),
    failNextApproval(how) {
      failNext = how;
    },
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
