import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { demoRoutes } from '../../server/routes/demo.js';

const FIXED_NOW = Date.parse('2026-03-10T02:30:00.000Z');

/** The demo screens mounted the way server/app.ts mounts them. */
function demoApp() {
  return new Hono().route('/', demoRoutes({ widgetScriptUrl: '/widget.js', now: () => FIXED_NOW }));
}

type App = ReturnType<typeof demoApp>;

async function get(app: App, path: string) {
  const res = await app.request(path);
  return { status: res.status, headers: res.headers, html: await res.text() };
}

async function postForm(app: App, path: string, fields: [string, string][]) {
  const res = await app.request(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: res.status, html: await res.text() };
}

async function postedList(app: App) {
  const res = await app.request('/demo/posted.json');
  expect(res.status).toBe(200);
  return (await res.json()) as {
    seq: number;
    system: string;
    documentNo: string;
    action: string;
    officer: string;
    fields: Record<string, string | string[]>;
    postedAt: string;
  }[];
}

/** The opening tag of the element with this id. */
function tagById(html: string, id: string): string {
  const tag = html.match(new RegExp(`<[a-z]+\\b[^>]*\\bid="${id}"[^>]*>`, 'i'))?.[0];
  if (!tag) throw new Error(`no element with id="${id}"`);
  return tag;
}

/** The text of the element with this id (no child elements). */
function textById(html: string, id: string): string | undefined {
  return html.match(new RegExp(`<([a-z]+)\\b[^>]*\\bid="${id}"[^>]*>([^<]*)</\\1>`, 'i'))?.[2];
}

function attr(tag: string, name: string): string | undefined {
  return tag.match(new RegExp(`\\s${name}="([^"]*)"`))?.[1];
}

function scriptTagsWithSrc(html: string): string[] {
  return html.match(/<script\b[^>]*\bsrc=[^>]*>/gi) ?? [];
}

/** The markup between <form ...> and </form> (the pages have one form each). */
function formOf(html: string): { tag: string; body: string } {
  const match = html.match(/(<form\b[^>]*>)([\s\S]*?)<\/form>/i);
  if (!match) throw new Error('no form');
  return { tag: match[1]!, body: match[2]! };
}

const LONG_SIGNATURE = Buffer.alloc(1800, 7).toString('base64');

describe('iGFMAS screens', () => {
  it('lists the STH documents with the default officer logged in', async () => {
    const { status, headers, html } = await get(demoApp(), '/demo/igfmas');
    expect(status).toBe(200);
    expect(headers.get('content-type')).toMatch(/^text\/html/);
    expect(html).toMatch(/<html lang="ms">/);
    expect(textById(html, 'idPengguna')).toBe('900101-01-1234');
    expect(textById(html, 'namaPengguna')).toBe('Aminah binti Abdullah');
    expect(html).toContain('ID Pengguna: <span id="idPengguna">900101-01-1234</span>');
    const links = [...html.matchAll(/href="(\/demo\/igfmas\/document\/[^"]*)"/g)].map((m) => m[1]);
    expect(links).toEqual(['/demo/igfmas/document/STH-2026-000123', '/demo/igfmas/document/STH-2026-000124', '/demo/igfmas/document/STH-2026-000125', '/demo/igfmas/document/STH-2026-000126']);
  });

  it('switches the logged-in officer with ?user= and carries it in links', async () => {
    const { status, html } = await get(demoApp(), '/demo/igfmas?user=880202025678');
    expect(status).toBe(200);
    expect(textById(html, 'idPengguna')).toBe('880202-02-5678');
    expect(textById(html, 'namaPengguna')).toBe('Tan Wei Ming');
    expect(html).toContain('href="/demo/igfmas/document/STH-2026-000123?user=880202025678"');

    const rajesh = await get(demoApp(), '/demo/igfmas/document/STH-2026-000124?user=750303039999');
    expect(textById(rajesh.html, 'idPengguna')).toBe('750303-03-9999');
    expect(textById(rajesh.html, 'namaPengguna')).toBe('Rajesh a/l Kumar');
  });

  it('shows the document fields and the Peraku I / Peraku II / Sah submit buttons inside a POST form', async () => {
    const { status, html } = await get(demoApp(), '/demo/igfmas/document/STH-2026-000123');
    expect(status).toBe(200);
    expect(textById(html, 'idPengguna')).toBe('900101-01-1234');
    const form = formOf(html);
    expect(attr(form.tag, 'method')).toBe('post');
    expect(attr(form.tag, 'action')).toBe('/demo/igfmas/document/STH-2026-000123');
    expect(attr(tagById(form.body, 'noDokumen'), 'value')).toBe('STH-2026-000123');
    expect(attr(tagById(form.body, 'noDokumen'), 'name')).toBe('noDokumen');
    expect(attr(tagById(form.body, 'vendor'), 'value')).toBe('Syarikat ABC Sdn Bhd');
    expect(attr(tagById(form.body, 'amaun'), 'value')).toBe('12,500.00');
    expect(attr(tagById(form.body, 'pusatKos'), 'value')).toBe('1009110000 - Unit Pentadbiran');
    expect(form.body).toMatch(/<textarea name="keterangan" id="keterangan"[^>]*readonly[^>]*>Bekalan alat tulis/);
    expect(form.body).toContain('<button type="submit" name="tindakan" value="peraku1" id="btnPeraku1" class="btn">Peraku I</button>');
    expect(form.body).toContain('<button type="submit" name="tindakan" value="peraku2" id="btnPeraku2" class="btn">Peraku II</button>');
    expect(form.body).toContain('<button type="submit" name="tindakan" value="sah" id="btnSah" class="btn">Sah</button>');
  });

  it.each([
    ['/demo/igfmas/document/STH-2026-999999', 'STH-2026-999999 tidak wujud'],
    ['/demo/igfmas/document/%3Cscript%3Ealert(1)%3C%2Fscript%3E', '&lt;script&gt;alert(1)&lt;/script&gt; tidak wujud'],
  ])('answers 404 in Bahasa Malaysia for the unknown document %s', async (path, message) => {
    const { status, headers, html } = await get(demoApp(), path);
    expect(status).toBe(404);
    expect(headers.get('content-type')).toMatch(/^text\/html/);
    expect(textById(html, 'mesejRalat')).toBe(`Dokumen ${message} dalam sistem.`);
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('id="btnSah"');
  });

  it('answers 404 for a POST to an unknown document and records nothing', async () => {
    const app = demoApp();
    const res = await postForm(app, '/demo/igfmas/document/STH-2026-999999', [['tindakan', 'sah']]);
    expect(res.status).toBe(404);
    expect(await postedList(app)).toEqual([]);
  });

  it('answers 404 for an officer the system does not know, with nobody shown as logged in', async () => {
    const { status, html } = await get(demoApp(), '/demo/igfmas?user=111111111111&widget=1');
    expect(status).toBe(404);
    expect(textById(html, 'mesejRalat')).toContain('ID Pengguna tidak wujud');
    expect(textById(html, 'idPengguna')).toBe('');
    expect(scriptTagsWithSrc(html)).toEqual([]);
  });
});

describe('ePerolehan screen', () => {
  it('shows the purchase order with Perakui and Sahkan submit buttons and a scripted Lulus button', async () => {
    const { status, html } = await get(demoApp(), '/demo/eperolehan');
    expect(status).toBe(200);
    expect(textById(html, 'idPengguna')).toBe('900101-01-1234');
    expect(textById(html, 'lblNoPesanan')).toBe('PO-2026-004512');
    expect(textById(html, 'lblPembekal')).toBe('Syarikat XYZ Teknologi Sdn Bhd');
    expect(textById(html, 'lblJumlah')).toBe('48,900.00');
    expect(textById(html, 'lblTarikh')).toBe('05/02/2026');
    // document.forms[0] in hantarLulus() must be the approval form: the page has exactly one form.
    expect(html.match(/<form\b/g)).toHaveLength(1);
    const form = formOf(html);
    expect(attr(form.tag, 'method')).toBe('post');
    expect(attr(form.tag, 'action')).toBe('/demo/eperolehan');
    expect(attr(tagById(form.body, 'hdnNoPesanan'), 'value')).toBe('PO-2026-004512');
    expect(attr(tagById(form.body, 'hdnTindakan'), 'type')).toBe('hidden');
    expect(form.body).toContain('<input type="submit" name="btnPerakui" id="btnPerakui" value="Perakui" class="btn">');
    expect(form.body).toContain('<input type="submit" name="btnSahkan" id="btnSahkan" value="Sahkan" class="btn">');
    expect(form.body).toContain('<input type="button" name="btnLulus" id="btnLulus" value="Lulus" class="btn" onclick="hantarLulus()">');
    expect(html).toMatch(/function hantarLulus\(\) \{\s*var f = document\.forms\[0\];\s*f\.hdnTindakan\.value = 'LULUS';\s*f\.submit\(\);\s*\}/);
  });

  it('picks another order with ?noPesanan= and answers 404 for an unknown one', async () => {
    const app = demoApp();
    const other = await get(app, '/demo/eperolehan?noPesanan=PO-2026-004520&user=880202025678');
    expect(other.status).toBe(200);
    expect(textById(other.html, 'lblNoPesanan')).toBe('PO-2026-004520');
    expect(textById(other.html, 'idPengguna')).toBe('880202-02-5678');
    expect(attr(formOf(other.html).tag, 'action')).toBe('/demo/eperolehan?user=880202025678');

    const missing = await get(app, '/demo/eperolehan?noPesanan=PO-0000-000000');
    expect(missing.status).toBe(404);
    expect(textById(missing.html, 'mesejRalat')).toBe('No. pesanan PO-0000-000000 tidak wujud.');
  });

  it.each([
    ['Lulus (hantarLulus sets hdnTindakan)', [['hdnTindakan', 'LULUS']], 'lulus'],
    ['Perakui (submit button)', [['hdnTindakan', ''], ['btnPerakui', 'Perakui']], 'perakui'],
    ['Sahkan (submit button)', [['hdnTindakan', ''], ['btnSahkan', 'Sahkan']], 'sahkan'],
  ] as [string, [string, string][], string][])('records the %s action', async (_, extra, action) => {
    const app = demoApp();
    const res = await postForm(app, '/demo/eperolehan', [['__VIEWSTATE', 'x'], ['noPesanan', 'PO-2026-004512'], ...extra, ['txtCatatan', '']]);
    expect(res.status).toBe(200);
    expect(res.html).toContain('Dokumen telah diposkan');
    const [latest] = await postedList(app);
    expect(latest).toMatchObject({ system: 'eperolehan', documentNo: 'PO-2026-004512', action, officer: '900101011234' });
  });

  it('refuses a post without a known action and records nothing', async () => {
    const app = demoApp();
    const res = await postForm(app, '/demo/eperolehan', [['noPesanan', 'PO-2026-004512'], ['hdnTindakan', 'HAPUS']]);
    expect(res.status).toBe(400);
    expect(res.html).toContain('Tindakan tidak sah');
    expect(await postedList(app)).toEqual([]);
  });
});

describe('SPEKS screens', () => {
  it('shows the payment voucher in an iframe by default; the shell itself has no approve form', async () => {
    const { status, html } = await get(demoApp(), '/demo/speks');
    expect(status).toBe(200);
    expect(textById(html, 'idPengguna')).toBe('900101-01-1234');
    const iframe = tagById(html, 'kandungan');
    expect(iframe).toMatch(/^<iframe /);
    expect(attr(iframe, 'name')).toBe('kandungan');
    expect(attr(iframe, 'src')).toBe('/demo/speks/baucer/BB-2026-000789');
    expect(html).not.toMatch(/<form\b/);
    expect(html).not.toContain('btnSemak');
    expect(html).toContain('href="/demo/speks?jenis=jurnal"');
  });

  it('shows the journal voucher with ?jenis=jurnal and carries user and widget into the iframe', async () => {
    const { html } = await get(demoApp(), '/demo/speks?jenis=jurnal&user=880202025678&widget=1');
    expect(attr(tagById(html, 'kandungan'), 'src')).toBe('/demo/speks/baucer/BJ-2026-000456?user=880202025678&amp;widget=1');
    expect(textById(html, 'idPengguna')).toBe('880202-02-5678');
  });

  it.each([
    ['BB-2026-000789', 'bayaran', 'Restoran Seri Perlis Enterprise', '5,320.00'],
    ['BJ-2026-000456', 'jurnal', 'Pejabat Tanah dan Galian Negeri Perlis', '18,000.00'],
  ])('the iframe page of %s holds the voucher form with Semak and Lulus', async (voucherNo, type, payee, amount) => {
    const { status, html } = await get(demoApp(), `/demo/speks/baucer/${voucherNo}`);
    expect(status).toBe(200);
    expect(textById(html, 'idPengguna')).toBe('900101-01-1234');
    const form = formOf(html);
    expect(attr(form.tag, 'method')).toBe('post');
    expect(attr(form.tag, 'action')).toBe(`/demo/speks/baucer/${voucherNo}`);
    expect(attr(form.tag, 'onsubmit')).toBe('return semakBorang(this)');
    expect(attr(tagById(form.body, 'noBaucer'), 'value')).toBe(voucherNo);
    expect(attr(tagById(form.body, 'jenisBaucer'), 'value')).toBe(type);
    expect(attr(tagById(form.body, 'penerima'), 'value')).toBe(payee);
    expect(attr(tagById(form.body, 'amaun'), 'value')).toBe(amount);
    expect(form.body).toMatch(/<textarea name="keterangan" id="keterangan"[^>]*readonly/);
    expect(form.body).toContain('<input type="submit" name="tindakan" id="btnSemak" value="Semak" class="btn">');
    expect(form.body).toContain('<input type="submit" name="tindakan" id="btnLulus" value="Lulus" class="btn">');
  });

  it.each(['/demo/speks?jenis=cek', '/demo/speks?jenis=bayaran&noBaucer=BJ-2026-000456', '/demo/speks/baucer/BB-0000-000000'])('answers 404 for %s', async (path) => {
    const { status, html } = await get(demoApp(), path);
    expect(status).toBe(404);
    expect(html).toMatch(/tidak (wujud|dijumpai)/);
  });
});

describe('the agency-embed widget tag', () => {
  const screens: [string, string][] = [
    ['/demo/igfmas', 'igfmas'],
    ['/demo/igfmas/document/STH-2026-000125', 'igfmas'],
    ['/demo/eperolehan', 'eperolehan'],
    ['/demo/speks', 'speks'],
    ['/demo/speks?jenis=jurnal', 'speks'],
    ['/demo/speks/baucer/BB-2026-000790', 'speks'],
    ['/demo/speks/baucer/BJ-2026-000457', 'speks'],
  ];

  it.each(screens)('%s with ?widget=1 has exactly one tag, data-system=%s, just before </body>', async (path, system) => {
    const sep = path.includes('?') ? '&' : '?';
    const { status, html } = await get(demoApp(), `${path}${sep}widget=1`);
    expect(status).toBe(200);
    const tags = scriptTagsWithSrc(html);
    expect(tags).toEqual([`<script src="/widget.js" data-system="${system}" async>`]);
    expect(html).toMatch(/<script src="\/widget\.js" data-system="[a-z]+" async><\/script>\s*<\/body>/);
  });

  it.each(screens)('%s without ?widget=1 has no script tag with a src', async (path) => {
    const { html } = await get(demoApp(), path);
    expect(scriptTagsWithSrc(html)).toEqual([]);
    expect(html).not.toContain('widget.js');
    expect(html.toLowerCase()).not.toContain('roamsign');
  });

  it('keeps widget=1 in links and form actions so navigation keeps the widget', async () => {
    const app = demoApp();
    const list = await get(app, '/demo/igfmas?widget=1');
    expect(list.html).toContain('href="/demo/igfmas/document/STH-2026-000123?widget=1"');
    const doc = await get(app, '/demo/igfmas/document/STH-2026-000123?widget=1&user=750303039999');
    expect(attr(formOf(doc.html).tag, 'action')).toBe('/demo/igfmas/document/STH-2026-000123?user=750303039999&amp;widget=1');
    const po = await get(app, '/demo/eperolehan?widget=1');
    expect(attr(formOf(po.html).tag, 'action')).toBe('/demo/eperolehan?widget=1');
    expect(po.html).toContain('href="/demo/eperolehan?noPesanan=PO-2026-004513&amp;widget=1"');
  });

  it('loads no external resources and sets no Content-Security-Policy', async () => {
    for (const path of ['/demo/igfmas/document/STH-2026-000123?widget=1', '/demo/eperolehan?widget=1', '/demo/speks?widget=1', '/demo/speks/baucer/BB-2026-000789?widget=1']) {
      const { headers, html } = await get(demoApp(), path);
      expect(headers.get('content-security-policy')).toBeNull();
      expect(html).not.toMatch(/\s(src|href|action)="(https?:)?\/\//i);
      expect(html).not.toMatch(/<link\b/i);
    }
  });
});

describe('posting a document', () => {
  it('records every field, including hidden inputs the page did not create, and shows the signature reference', async () => {
    const app = demoApp();
    const res = await postForm(app, '/demo/igfmas/document/STH-2026-000123?user=880202025678', [
      ['tahunKewangan', '2026'],
      ['noDokumen', 'STH-2026-000123'],
      ['amaun', '12,500.00'],
      ['tindakan', 'sah'],
      ['roamsign_request_id', 'req_01HZX4Q2'],
      ['roamsign_signature', LONG_SIGNATURE],
    ]);
    expect(res.status).toBe(200);
    expect(textById(res.html, 'mesejBerjaya')).toBe('Dokumen telah diposkan');
    expect(textById(res.html, 'postedNoDokumen')).toBe('STH-2026-000123');
    expect(textById(res.html, 'postedTindakan')).toBe('sah');
    expect(textById(res.html, 'postedMasa')).toBe('10/03/2026 10:30:00');
    expect(textById(res.html, 'idPengguna')).toBe('880202-02-5678');
    expect(res.html).toContain('<code class="rujukan" data-field="roamsign_request_id">req_01HZX4Q2</code>');
    expect(res.html).toContain(`<textarea readonly rows="4" cols="80" class="ro rujukan" data-field="roamsign_signature">${LONG_SIGNATURE}</textarea>`);
    expect(res.html).toContain(`${LONG_SIGNATURE.length} aksara`);
    expect(res.html).not.toContain('tahunKewangan');

    const [latest, ...rest] = await postedList(app);
    expect(rest).toEqual([]);
    expect(latest).toEqual({
      seq: 1,
      system: 'igfmas',
      documentNo: 'STH-2026-000123',
      action: 'sah',
      officer: '880202025678',
      fields: {
        tahunKewangan: '2026',
        noDokumen: 'STH-2026-000123',
        amaun: '12,500.00',
        tindakan: 'sah',
        roamsign_request_id: 'req_01HZX4Q2',
        roamsign_signature: LONG_SIGNATURE,
      },
      postedAt: '2026-03-10T02:30:00.000Z',
    });
  });

  it('says so when the form carried no signature reference', async () => {
    const app = demoApp();
    const res = await postForm(app, '/demo/igfmas/document/STH-2026-000124', [['tindakan', 'peraku2']]);
    expect(res.status).toBe(200);
    expect(textById(res.html, 'tiadaRujukan')).toBe('Tiada rujukan tandatangan pada borang ini.');
  });

  it('records the SPEKS post made from the iframe page and answers inside the frame', async () => {
    const app = demoApp();
    const res = await postForm(app, '/demo/speks/baucer/BJ-2026-000456?widget=1', [
      ['jenisBaucer', 'jurnal'],
      ['noBaucer', 'BJ-2026-000456'],
      ['catatan', 'Disemak'],
      ['tindakan', 'Lulus'],
      ['roamsign_request_id', 'req_speks_1'],
    ]);
    expect(res.status).toBe(200);
    expect(textById(res.html, 'mesejBerjaya')).toBe('Dokumen telah diposkan');
    expect(res.html).toContain('id="tblPengguna"');
    expect(res.html).not.toContain('id="tblHeader"');
    expect(res.html).toContain('href="/demo/speks/baucer/BJ-2026-000456?widget=1"');
    const [latest] = await postedList(app);
    expect(latest).toMatchObject({ system: 'speks', documentNo: 'BJ-2026-000456', action: 'lulus', fields: { roamsign_request_id: 'req_speks_1', catatan: 'Disemak' } });
  });

  it.each([
    ['/demo/igfmas/document/STH-2026-000123', [['tindakan', 'lulus']]],
    ['/demo/igfmas/document/STH-2026-000123', [['noDokumen', 'STH-2026-000123']]],
    ['/demo/speks/baucer/BB-2026-000789', [['tindakan', 'Hapus']]],
  ] as [string, [string, string][]][])('refuses %s with %j (400) and records nothing', async (path, fields) => {
    const app = demoApp();
    const res = await postForm(app, path, fields);
    expect(res.status).toBe(400);
    expect(textById(res.html, 'mesejRalat')).toMatch(/^Sila pilih tindakan/);
    expect(await postedList(app)).toEqual([]);
  });

  it('lists posted documents newest first, each demoRoutes instance with its own list', async () => {
    const app = demoApp();
    await postForm(app, '/demo/igfmas/document/STH-2026-000125', [['tindakan', 'peraku1']]);
    await postForm(app, '/demo/eperolehan', [['noPesanan', 'PO-2026-004513'], ['btnSahkan', 'Sahkan']]);
    await postForm(app, '/demo/speks/baucer/BB-2026-000790?user=750303039999', [['tindakan', 'Semak']]);
    const list = await postedList(app);
    expect(list.map((p) => [p.seq, p.system, p.documentNo, p.action, p.officer])).toEqual([
      [3, 'speks', 'BB-2026-000790', 'semak', '750303039999'],
      [2, 'eperolehan', 'PO-2026-004513', 'sahkan', '900101011234'],
      [1, 'igfmas', 'STH-2026-000125', 'peraku1', '900101011234'],
    ]);
    expect(await postedList(demoApp())).toEqual([]);
  });

  it('keeps repeated fields as a list', async () => {
    const app = demoApp();
    await postForm(app, '/demo/igfmas/document/STH-2026-000123', [['tindakan', 'sah'], ['pilihan', 'a'], ['pilihan', 'b']]);
    const [latest] = await postedList(app);
    expect(latest!.fields.pilihan).toEqual(['a', 'b']);
  });

  it('escapes posted names and values on the confirmation page and keeps them unchanged in posted.json', async () => {
    const app = demoApp();
    const evil = '<script>alert("x")</script>';
    const evilName = 'roamsign_<img src=x onerror=alert(1)>';
    const res = await postForm(app, '/demo/igfmas/document/STH-2026-000123', [
      ['tindakan', 'sah'],
      ['roamsign_signature', evil],
      [evilName, 'nilai'],
    ]);
    expect(res.status).toBe(200);
    expect(res.html).not.toContain('<script>alert');
    expect(res.html).not.toContain('<img src=x');
    expect(res.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(res.html).toContain('roamsign_&lt;img src=x onerror=alert(1)&gt;');
    expect(res.html.match(/<script\b/g)).toBeNull();
    const [latest] = await postedList(app);
    expect(latest!.fields.roamsign_signature).toBe(evil);
    expect(latest!.fields[evilName]).toBe('nilai');
  });

  it('refuses a form larger than 256 KB with 413 and records nothing', async () => {
    const app = demoApp();
    const res = await postForm(app, '/demo/igfmas/document/STH-2026-000123', [['tindakan', 'sah'], ['roamsign_signature', 'A'.repeat(300 * 1024)]]);
    expect(res.status).toBe(413);
    expect(res.html).toContain('Borang terlalu besar');
    expect(await postedList(app)).toEqual([]);
  });
});
