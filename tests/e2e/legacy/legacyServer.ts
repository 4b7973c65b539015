import { serve, type ServerType } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { freePort } from '../../helpers/freePort.js';
import { gridRowId, LEGACY_HOST, MODULE_HOST, MORE_ORDERS, OFFICER, ONE, ORDERS, ROW_SCREEN_RULES, ROWS, SCREEN_RULES } from './screens.js';

/** What the legacy system received: the whole post, as sent (form fields, or a JSON / URL-encoded fetch body). */
export interface LegacyPost {
  screen: string;
  /** Each field's value (the last, for a name posted more than once). */
  fields: Record<string, string>;
  /** Every value of each name, in the order posted (the tick boxes of a batch). */
  values: Record<string, string[]>;
}

export interface LegacyServer {
  /** http://legacy.intranet.test:<port> */
  origin: string;
  /** The same server as another origin, http://modul.intranet.test:<port>: a module framed from elsewhere. */
  otherOrigin: string;
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
  const otherOrigin = `http://${MODULE_HOST}:${port}`;
  const posted: LegacyPost[] = [];

  function widgetTag(c: Context, screen: string): string {
    if (c.req.query('widget') !== '1') return '';
    const rule = SCREEN_RULES[screen] ?? ROW_SCREEN_RULES[screen]!;
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
      ...(rule.container ? { container: rule.container } : {}),
      ...(rule.batch ? { batch: JSON.stringify(rule.batch) } : {}),
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
    .route('/', rowScreens({ page, widgetTag, withCsp, otherOrigin }))
    .get('/menu', (c) => c.html('<!DOCTYPE html><html><body><p id="menuDibuka">Menu</p></body></html>'))
    .post('/post/:screen', async (c) => {
      const type = c.req.header('content-type') ?? '';
      const values: Record<string, string[]> = type.includes('application/json')
        ? Object.fromEntries(Object.entries((await c.req.json()) as Record<string, unknown>).map(([k, v]) => [k, [String(v)]]))
        : Object.fromEntries(Object.entries(await c.req.parseBody({ all: true })).map(([k, v]) => [k, (Array.isArray(v) ? v : [v]).map(String)]));
      const fields = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v[v.length - 1]!]));
      posted.unshift({ screen: c.req.param('screen'), fields, values });
      return c.html(`<!DOCTYPE html><html><body><p id="diterima">Diterima: ${esc(fields.noBaucer ?? '')}</p></body></html>`);
    })
    .get('/favicon.ico', (c) => c.body(null, 204));

  const http: ServerType = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => (http.listening ? resolve() : http.once('listening', () => resolve())));
  return {
    origin,
    otherOrigin,
    port,
    posted,
    async stop() {
      const closing = new Promise<void>((resolve) => http.close(() => resolve()));
      (http as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      await closing;
    },
  };
}

type PageFn = (c: Context, screen: string, body: string, script?: string) => string;

/**
 * Issue 18's screens, in the spirit of real government systems built in the 2000s: each shows
 * ORDERS (see screens.ts for its rule) and posts to /post/<screen>.
 */
function rowScreens(t: { page: PageFn; widgetTag(c: Context, screen: string): string; withCsp(c: Context, html: string): Response | Promise<Response>; otherOrigin: string }) {
  const cells = (o: (typeof ORDERS)[number]) => `<td class="noPesanan">${o.noPesanan}</td><td class="tarikh">${o.tarikh}</td><td class="pembekal">${esc(o.pembekal)}</td><td class="amaun" align="right">${o.amaun}</td>`;
  const query = (c: Context) => new URL(c.req.url).search;
  return (
    new Hono()
      // ASP.NET WebForms: __VIEWSTATE, __EVENTTARGET and __EVENTARGUMENT in one page-wide form; a
      // GridView of text-only rows with a LinkButton each (`?buttonfield=1`: a ButtonField, one
      // target for the grid and the row in the argument; `?confirm=1`: OnClientClick confirm()).
      .get('/webforms', (c) => {
        const ask = (o: (typeof ORDERS)[number]) => (c.req.query('confirm') === '1' ? ` onclick="return confirm('Luluskan pesanan ${o.noPesanan}?');"` : '');
        const rows = ORDERS.map((o, i) => {
          const id = `ctl00_gvPesanan_${gridRowId(i)}`;
          const link =
            c.req.query('buttonfield') === '1'
              ? `<a class="lulusBaris"${ask(o)} href="javascript:__doPostBack('ctl00$gvPesanan','Lulus$${i}')">Lulus</a>`
              : `<a id="${id}_lnkLulus"${ask(o)} href="javascript:__doPostBack('ctl00$gvPesanan$${gridRowId(i)}$lnkLulus','')">Lulus</a>`;
          return `<tr><td><span id="${id}_lblNoPesanan">${o.noPesanan}</span></td><td><span id="${id}_lblTarikh">${o.tarikh}</span></td><td><span id="${id}_lblPembekal">${esc(o.pembekal)}</span></td><td align="right"><span id="${id}_lblAmaun">${o.amaun}</span></td><td>${link}</td></tr>`;
        });
        return t.withCsp(
          c,
          `<!DOCTYPE html><html lang="ms"><head><meta charset="utf-8"><title>Kelulusan Pesanan</title></head><body>
<form method="post" action="/post/webforms" id="aspnetForm">
<div class="aspNetHidden">
<input type="hidden" name="__EVENTTARGET" id="__EVENTTARGET" value="">
<input type="hidden" name="__EVENTARGUMENT" id="__EVENTARGUMENT" value="">
<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="/wEPDwUKMTY1NDU2MTA1MmRkZ2VTb21lVmlld1N0YXRl">
</div>
<script type="text/javascript">
var theForm = document.forms['aspnetForm'];
if (!theForm) { theForm = document.aspnetForm; }
function __doPostBack(eventTarget, eventArgument) {
  if (!theForm.onsubmit || (theForm.onsubmit() != false)) {
    theForm.__EVENTTARGET.value = eventTarget;
    theForm.__EVENTARGUMENT.value = eventArgument;
    theForm.submit();
  }
}
</script>
<div id="header">Pengguna: <span id="ctl00_lblPengguna">${c.req.query('anon') === '1' ? '' : OFFICER}</span></div>
<p><input name="ctl00$txtCari" type="text" id="ctl00_txtCari"> <input type="submit" name="ctl00$btnCari" value="Cari" id="ctl00_btnCari"></p>
<table cellspacing="0" rules="all" border="1" id="ctl00_gvPesanan" style="border-collapse:collapse;">
<tr><th scope="col">No. Pesanan</th><th scope="col">Tarikh</th><th scope="col">Pembekal</th><th scope="col">Amaun (RM)</th><th scope="col">&nbsp;</th></tr>
${rows.join('\n')}
<tr class="pager"><td colspan="5"><span>1</span> <a id="halaman2" href="javascript:__doPostBack('ctl00$gvPesanan','Page$2')">2</a></td></tr>
</table>
</form>
${t.widgetTag(c, 'webforms')}</body></html>`,
        );
      })
      // JSF (Mojarra): an h:commandLink per row runs jsfcljs, which adds a hidden input named after
      // the link, calls form.submit() and removes the input again at once.
      .get('/jsf', (c) =>
        t.withCsp(
          c,
          t.page(
            c,
            'jsf',
            `<form id="frm" name="frm" method="post" action="/post/jsf" enctype="application/x-www-form-urlencoded">
<input type="hidden" name="frm" value="frm">
<table id="frm:tbl"><tbody>
${ORDERS.map((o, i) => `<tr>${cells(o)}<td><a href="#" id="frm:tbl:${i}:lulus" onclick="mojarra.jsfcljs(document.getElementById('frm'),{'frm:tbl:${i}:lulus':'frm:tbl:${i}:lulus'},'');return false">Lulus</a></td></tr>`).join('\n')}
</tbody></table>
<input type="hidden" name="javax.faces.ViewState" id="j_id1:javax.faces.ViewState:0" value="-4417256632105846:3318702375128371231" autocomplete="off">
</form>`,
            `var mojarra = { jsfcljs: function (form, params, target) {
  var added = [];
  for (var name in params) {
    if (!Object.prototype.hasOwnProperty.call(params, name)) continue;
    var input = document.createElement('input');
    input.type = 'hidden'; input.name = name; input.value = params[name];
    form.appendChild(input); added.push(input);
  }
  var before = form.target;
  if (target) form.target = target;
  form.submit();
  form.target = before;
  for (var i = 0; i < added.length; i++) form.removeChild(added[i]);
} };`,
          ),
        ),
      )
      // Struts 1 DispatchAction: hidden "method" and "action" fields (which shadow form.method and
      // form.action), set by the row's button, then submit() and the fields reset.
      .get('/struts', (c) =>
        t.withCsp(
          c,
          t.page(
            c,
            'struts',
            `<form name="pesananForm" method="post" action="/post/struts">
<input type="hidden" name="method" value="">
<input type="hidden" name="action" value="senarai">
<input type="hidden" name="idPesanan" value="">
<table id="senarai">
${ORDERS.map((o) => `<tr>${cells(o)}<td><input type="button" class="btnLulus" value="Lulus" onclick="hantar('lulus', '${o.noPesanan}')"></td></tr>`).join('\n')}
</table>
</form>`,
            `function hantar(method, id) {
  var f = document.forms['pesananForm'];
  f.method.value = method; f.idPesanan.value = id;
  f.submit();
  f.method.value = ''; f.idPesanan.value = '';
}`,
          ),
        ),
      )
      // Oracle-Forms-like: a multi-record block of absolutely positioned items; focusing an item
      // makes its record current (REKOD_SEMASA); the toolbar's Lulus submits for the current record.
      .get('/oracle', (c) =>
        t.withCsp(
          c,
          t.page(
            c,
            'oracle',
            `<div id="oraStatus">Pengguna: <span id="ORA_USER">${c.req.query('anon') === '1' ? '' : OFFICER}</span></div>
<div id="oraToolbar"><button type="button" id="TB_LULUS" onclick="document.forms.f0.submit()">Lulus</button></div>
<form name="f0" method="post" action="/post/oracle">
<input type="hidden" name="REKOD_SEMASA" value="1">
<div id="B_PESANAN" style="position:relative;height:${ORDERS.length * 34}px;font:13px monospace">
${ORDERS.map(
  (o, i) => `<div class="rekod${i === 0 ? ' semasa' : ''}" data-rekod="${i + 1}" style="position:absolute;left:0;top:${i * 34}px;height:30px;width:720px">
<input class="i-no" name="B_PESANAN.NO_PESANAN_${i + 1}" value="${o.noPesanan}" readonly style="position:absolute;left:0;width:120px">
<input class="i-tarikh" name="B_PESANAN.TARIKH_${i + 1}" value="${o.tarikh}" readonly style="position:absolute;left:130px;width:90px">
<input class="i-pembekal" name="B_PESANAN.PEMBEKAL_${i + 1}" value="${esc(o.pembekal)}" readonly style="position:absolute;left:230px;width:260px">
<input class="i-amaun" name="B_PESANAN.AMAUN_${i + 1}" value="${o.amaun}" readonly style="position:absolute;left:500px;width:110px;text-align:right">
</div>`,
).join('\n')}
</div>
</form>`,
            `document.addEventListener('focusin', function (e) {
  var rec = e.target.closest && e.target.closest('.rekod');
  if (!rec) return;
  document.querySelectorAll('.rekod').forEach(function (r) { r.classList.toggle('semasa', r === rec); });
  document.forms.f0.REKOD_SEMASA.value = rec.getAttribute('data-rekod');
});`,
          ),
        ),
      )
      // Kelulusan pukal: a tick box per row, one button; a second page of rows hidden until shown.
      .get('/pukal', (c) =>
        t.withCsp(
          c,
          t.page(
            c,
            'pukal',
            `<form method="post" action="/post/pukal">
<table id="senaraiPukal"><thead><tr><th><input type="checkbox" id="pilihSemua" aria-label="Pilih semua"></th><th>No. Pesanan</th><th>Tarikh</th><th>Pembekal</th><th>Amaun (RM)</th></tr></thead>
<tbody>
${[...ORDERS, ...MORE_ORDERS].map((o, i) => `<tr class="dok hal${i < ORDERS.length ? 1 : 2}"${i < ORDERS.length ? '' : ' style="display:none"'}><td><input type="checkbox" name="pilih" value="${o.noPesanan}" id="pilih${i + 1}" aria-label="Pilih ${o.noPesanan}"></td>${cells(o)}</tr>`).join('\n')}
</tbody></table>
<p>Halaman: <button type="button" id="hal1" onclick="halaman(1)">1</button> <button type="button" id="hal2" onclick="halaman(2)">2</button></p>
<p><input type="submit" name="btnLulusPukal" id="btnLulusPukal" value="Lulus Pukal"></p>
</form>`,
            `function halaman(n) {
  document.querySelectorAll('tr.dok').forEach(function (r) { r.style.display = r.classList.contains('hal' + n) ? '' : 'none'; });
}
document.addEventListener('change', function (e) {
  if (e.target.id !== 'pilihSemua') return;
  document.querySelectorAll('tr.dok').forEach(function (r) { if (r.style.display !== 'none') r.querySelector('input[name=pilih]').checked = e.target.checked; });
});`,
          ),
        ),
      )
      // A confirmation popup: the opener lists the orders; the popup shows one and its Sahkan
      // button either posts its own form (?mode=own) or fills and submits the opener's form and
      // closes itself (?mode=opener).
      .get('/popup', (c) =>
        t.withCsp(
          c,
          t.page(
            c,
            'popup',
            `<form name="fLulus" method="post" action="/post/popup"><input type="hidden" name="idPesanan" value=""><input type="hidden" name="tindakan" value=""></form>
<table id="senarai">
${ORDERS.map((o, i) => `<tr>${cells(o)}<td><button type="button" class="buka" id="buka${i + 1}" onclick="window.open('/popup/sah${query(c) ? `${query(c)}&amp;` : '?'}n=${i}', 'sah', 'width=560,height=720')">Lulus…</button></td></tr>`).join('\n')}
</table>`,
          ),
        ),
      )
      .get('/popup/sah', (c) => {
        const o = ORDERS[Number(c.req.query('n') ?? 0)] ?? ORDERS[0]!;
        const fields = `<div id="dokumen"><h1>Sahkan kelulusan</h1>
<label>No. Pesanan <input name="noPesanan" value="${o.noPesanan}" readonly></label><br>
<label>Tarikh <input name="tarikh" value="${o.tarikh}" readonly></label><br>
<label>Pembekal <input name="pembekal" value="${esc(o.pembekal)}" readonly></label><br>
<label>Amaun (RM) <input name="amaun" value="${o.amaun}" readonly></label></div>`;
        const own = c.req.query('mode') !== 'opener';
        const body = own
          ? `<form method="post" action="/post/popup-sendiri">${fields}<p><button type="submit" id="btnSahkan" name="tindakan" value="sah">Sahkan</button></p></form>`
          : `${fields}<p><button type="button" id="btnSahkan" onclick="sahkan()">Sahkan</button> <button type="button" onclick="window.close()">Tutup</button></p>
<script>function sahkan() {
  var f = window.opener.document.forms['fLulus'];
  f.idPesanan.value = '${o.noPesanan}'; f.tindakan.value = 'lulus';
  f.submit();
  window.close();
}</script>`;
        return t.withCsp(c, `<!DOCTYPE html><html lang="ms"><head><meta charset="utf-8"><title>Sahkan</title></head><body>${body}${t.widgetTag(c, 'popup')}</body></html>`);
      })
      // A module from another origin in an iframe: per-row forms inside cells, the officer in the module.
      .get('/luar', (c) => t.withCsp(c, t.page(c, 'luar', `<h1>Portal</h1><iframe id="modul" title="Modul kelulusan" src="${t.otherOrigin}/luar/modul${query(c)}" width="900" height="520"></iframe>`)))
      .get('/luar/modul', (c) =>
        c.html(`<!DOCTYPE html><html lang="ms"><head><meta charset="utf-8"><title>Modul</title></head><body>
<p>Pengguna: <span id="penggunaModul">${c.req.query('anon') === '1' ? '' : OFFICER}</span></p>
<table id="senarai">
${ORDERS.map((o) => `<tr>${cells(o)}<td><form method="post" action="/post/modul"><input type="hidden" name="idPesanan" value="${o.noPesanan}"><button type="submit" class="lulus" name="tindakan" value="lulus">Lulus</button></form></td></tr>`).join('\n')}
</table>
${t.widgetTag(c, 'modul')}</body></html>`),
      )
  );
}
