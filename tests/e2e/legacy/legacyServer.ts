import { serve, type ServerType } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { freePort } from '../../helpers/freePort.js';
import { LEGACY_HOST, OFFICER, ONE, ROWS, SCREEN_RULES } from './screens.js';

/** What the legacy system received: the whole post, as sent (form fields, or a JSON / URL-encoded fetch body). */
export interface LegacyPost {
  screen: string;
  fields: Record<string, string>;
}

export interface LegacyServer {
  /** http://legacy.intranet.test:<port> */
  origin: string;
  port: number;
  posted: LegacyPost[];
  stop(): Promise<void>;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/**
 * Test-only legacy screens on a plain-http host that is not localhost. `?widget=1` adds the
 * agency's one script tag with the screen's rule as data-* attributes (`&container=tr` adds
 * data-container); `?csp=allowed|noframe|strict` sends a Content-Security-Policy; `?anon=1`
 * shows no logged-in officer.
 */
export async function startLegacyServer(roamsignUrl: () => string): Promise<LegacyServer> {
  const port = await freePort();
  const origin = `http://${LEGACY_HOST}:${port}`;
  const posted: LegacyPost[] = [];

  function widgetTag(c: Context, screen: string): string {
    if (c.req.query('widget') !== '1') return '';
    const rule = SCREEN_RULES[screen]!;
    const attrs: Record<string, string> = {
      system: 'speks',
      buttons: rule.buttons,
      officer: rule.officer,
      fields: JSON.stringify(rule.fields),
      labels: JSON.stringify(rule.labels),
      'id-field': rule.idField,
      'amount-field': rule.amountField!,
      'payee-field': rule.payeeField!,
      title: rule.title!,
      ...(c.req.query('container') ? { container: c.req.query('container')! } : {}),
      ...(c.req.query('badfields') ? { fields: '{"noBaucer": ' } : {}),
    };
    return `<script src="${roamsignUrl()}/widget.js" ${Object.entries(attrs).map(([k, v]) => `data-${k}="${esc(v)}"`).join(' ')} async></script>`;
  }

  function page(c: Context, screen: string, body: string, script = ''): string {
    const officer = c.req.query('anon') === '1' ? '' : (c.req.query('officer') ?? OFFICER);
    return `<!DOCTYPE html><html lang="ms"><head><meta charset="utf-8"><title>${screen}</title>${script ? `<script>${script}</script>` : ''}</head>
<body><div id="atas">Pengguna: <span id="pengguna">${officer}</span> <a href="/menu" id="menu">Menu</a></div>
${body}
<p id="hasil"></p>
${widgetTag(c, screen)}</body></html>`;
  }

  const withCsp = (c: Context, html: string) => {
    const csp = c.req.query('csp');
    const roamsign = roamsignUrl();
    const policies: Record<string, string> = {
      // Exactly what GET /widget/csp says an embedding page must allow, on top of the page's own sources.
      allowed: `default-src 'self'; script-src 'self' 'unsafe-inline' ${roamsign}; frame-src ${roamsign}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; form-action 'self'`,
      // The script may load, but not the dialog frame.
      noframe: `default-src 'self'; script-src 'self' 'unsafe-inline' ${roamsign}; frame-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'`,
      // A hardened page that names no RoamSign source at all (the extension's case).
      strict: `default-src 'self'; script-src 'self' 'unsafe-inline'; frame-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; form-action 'self'`,
    };
    return c.html(html, 200, csp && policies[csp] ? { 'Content-Security-Policy': policies[csp] } : {});
  };

  const input = (name: string, value: string) => `<input name="${name}" value="${esc(value)}" readonly>`;
  const documentInputs = (d: typeof ONE) => `${input('noBaucer', d.noBaucer)} ${input('penerima', d.penerima)} ${input('amaun', d.amaun)}`;
  const IMAGE = 'data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';

  const app = new Hono()
    // One form per row; the rows' controls are a button, an image button and a link.
    .get('/rows', (c) =>
      withCsp(
        c,
        page(
          c,
          'rows',
          `<table id="senarai">${ROWS.map(
            (r, i) => `<tr id="baris${i + 1}"><td><form method="post" action="/post/rows">${documentInputs(r)}
${i === 0 ? '<button type="submit" name="tindakan" value="lulus" class="lulus">Lulus</button>' : i === 1 ? `<input type="image" name="lulusImej" class="lulus" src="${IMAGE}" alt="Lulus" width="40" height="20">` : `<a href="#" class="lulus" onclick="this.closest('form').submit(); return false;">Lulus</a>`}
</form></td></tr>`,
          ).join('\n')}</table>`,
        ),
      ),
    )
    // One form for the whole table, a button per row: ambiguous unless the rule names a container (tr).
    .get('/bigform', (c) =>
      withCsp(
        c,
        page(
          c,
          'bigform',
          `<form method="post" action="/post/bigform"><table>${ROWS.map((r, i) => `<tr id="baris${i + 1}"><td>${documentInputs(r)}</td><td><button type="submit" name="baris" value="${i + 1}" class="lulus">Lulus</button></td></tr>`).join('\n')}</table></form>`,
        ),
      ),
    )
    // A frameset: the officer and the menu in the top frame, the form in an iframe inside the main frame.
    .get('/frames', (c) => c.html(`<!DOCTYPE html><html><head><title>frames</title></head><frameset rows="80,*"><frame name="atas" id="atas" src="/frames/header${c.req.query('anon') ? '?anon=1' : ''}"><frame name="utama" id="utama" src="/frames/main?${new URL(c.req.url).searchParams}"></frameset></html>`))
    .get('/frames/header', (c) => c.html(`<!DOCTYPE html><html><body>Pengguna: <span id="pengguna">${c.req.query('anon') ? '' : OFFICER}</span> <a href="/menu" id="menu">Menu</a></body></html>`))
    .get('/frames/main', (c) => c.html(`<!DOCTYPE html><html><body><h1>Baucer</h1><iframe id="kandungan" src="/frames/form?${new URL(c.req.url).searchParams}" width="700" height="520"></iframe></body></html>`))
    .get('/frames/form', (c) => c.html(`<!DOCTYPE html><html><body><form method="post" action="/post/frames">${documentInputs(ONE)}<button type="submit" id="btnLulus" name="tindakan" value="lulus">Lulus</button></form><p id="hasil"></p>${widgetTag(c, 'frames')}</body></html>`))
    // The form and its button are built by script after the page has loaded.
    .get('/late', (c) =>
      withCsp(
        c,
        page(
          c,
          'late',
          '<div id="tempat"></div>',
          `window.addEventListener('load', function () { setTimeout(function () {
  var d = ${JSON.stringify(ONE)};
  var f = document.createElement('form'); f.method = 'post'; f.action = '/post/late';
  ['noBaucer', 'penerima', 'amaun'].forEach(function (n) { var i = document.createElement('input'); i.name = n; i.value = d[n]; i.readOnly = true; f.appendChild(i); });
  var b = document.createElement('button'); b.type = 'submit'; b.id = 'btnSahLewat'; b.name = 'tindakan'; b.value = 'sah'; b.textContent = 'Sah'; f.appendChild(b);
  document.getElementById('tempat').appendChild(f);
}, 400); });`,
        ),
      ),
    )
    // Submitted by the Enter key in the remark field (the form's default button is the approve button).
    .get('/enter', (c) => withCsp(c, page(c, 'enter', `<form method="post" action="/post/enter">${documentInputs(ONE)} <input name="catatan" id="catatan"> <button type="submit" id="btnHantar" name="tindakan" value="hantar">Hantar</button></form>`)))
    // Approvals sent by fetch (JSON) and XMLHttpRequest (URL-encoded); the document is shown as text.
    .get('/xhr', (c) =>
      withCsp(
        c,
        page(
          c,
          'xhr',
          `<section id="dokumen"><span class="noBaucer">${ONE.noBaucer}</span> <span class="penerima">${ONE.penerima}</span> <span class="amaun">${ONE.amaun}</span>
<button type="button" class="lulus" id="lulusFetch">Lulus (fetch)</button> <button type="button" class="lulus" id="lulusXhr">Lulus (XHR)</button></section>`,
          `document.addEventListener('click', function (e) {
  var t = e.target; var d = ${JSON.stringify(ONE)};
  if (t.id === 'lulusFetch') fetch('/post/xhr', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ noBaucer: d.noBaucer, penerima: d.penerima, amaun: d.amaun, via: 'fetch' }) })
    .then(function (r) { return r.text(); }).then(function (x) { document.getElementById('hasil').textContent = x; }, function () { document.getElementById('hasil').textContent = 'gagal'; });
  if (t.id === 'lulusXhr') { var x = new XMLHttpRequest(); x.open('POST', '/post/xhr'); x.setRequestHeader('Content-Type', 'application/x-www-form-urlencoded');
    x.onload = function () { document.getElementById('hasil').textContent = x.responseText; }; x.onerror = function () { document.getElementById('hasil').textContent = 'gagal'; };
    x.send('noBaucer=' + encodeURIComponent(d.noBaucer) + '&penerima=' + encodeURIComponent(d.penerima) + '&amaun=' + encodeURIComponent(d.amaun) + '&via=xhr'); }
});`,
        ),
      ),
    )
    // The page asks its own confirm() first.
    .get('/confirm', (c) => withCsp(c, page(c, 'confirm', `<form method="post" action="/post/confirm">${documentInputs(ONE)} <button type="submit" id="btnLulus" name="tindakan" value="lulus" onclick="return confirm('Luluskan baucer ini?');">Lulus</button></form>`)))
    .get('/menu', (c) => c.html('<!DOCTYPE html><html><body><p id="menuDibuka">Menu</p></body></html>'))
    .post('/post/:screen', async (c) => {
      const type = c.req.header('content-type') ?? '';
      const fields: Record<string, string> = type.includes('application/json')
        ? Object.fromEntries(Object.entries((await c.req.json()) as Record<string, unknown>).map(([k, v]) => [k, String(v)]))
        : Object.fromEntries(Object.entries(await c.req.parseBody()).map(([k, v]) => [k, String(v)]));
      posted.unshift({ screen: c.req.param('screen'), fields });
      return c.html(`<!DOCTYPE html><html><body><p id="diterima">Diterima: ${esc(fields.noBaucer ?? '')}</p></body></html>`);
    })
    .get('/favicon.ico', (c) => c.body(null, 204));

  const http: ServerType = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => (http.listening ? resolve() : http.once('listening', () => resolve())));
  return {
    origin,
    port,
    posted,
    async stop() {
      const closing = new Promise<void>((resolve) => http.close(() => resolve()));
      (http as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      await closing;
    },
  };
}
