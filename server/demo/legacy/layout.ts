import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { formatNric, type LegacyOfficer } from './officers.js';

export type LegacySystem = 'igfmas' | 'eperolehan' | 'speks';
export type Markup = HtmlEscapedString | Promise<HtmlEscapedString>;

/** What every demo screen needs to know about the request that asked for it. */
export interface ScreenContext {
  /** The logged-in officer (`?user=`, else the default officer). */
  officer: LegacyOfficer;
  /** Whether `?user=` was given: then links, forms and iframes carry it. */
  explicitUser: boolean;
  /** `?widget=1`: the agency embedded the signing widget's script tag. */
  widget: boolean;
  /** `?lang=en`: the agency set the widget's data-lang="en". */
  widgetLang: 'en' | null;
  widgetScriptUrl: string;
  now: Date;
}

/** What a page needs: an error page may have no logged-in officer (unknown `?user=`). */
export type PageContext = Omit<ScreenContext, 'officer'> & { officer: LegacyOfficer | null };

/** The query string (`?user=…&widget=1`, or '') that keeps the officer and the widget across navigation. */
export function carryQuery(ctx: ScreenContext, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams(extra);
  if (ctx.explicitUser) params.set('user', ctx.officer.nric);
  if (ctx.widget) params.set('widget', '1');
  if (ctx.widget && ctx.widgetLang) params.set('lang', ctx.widgetLang);
  const query = params.toString();
  return query ? `?${query}` : '';
}

const MALAYSIA_DATE = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Kuala_Lumpur', day: '2-digit', month: '2-digit', year: 'numeric' });
const MALAYSIA_TIME = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Kuala_Lumpur', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

/** dd/mm/yyyy in Malaysian time, as the legacy screens print dates. */
export function formatDate(date: Date): string {
  return MALAYSIA_DATE.format(date);
}

/** dd/mm/yyyy hh:mm:ss in Malaysian time. */
export function formatDateTime(date: Date): string {
  return `${MALAYSIA_DATE.format(date)} ${MALAYSIA_TIME.format(date)}`;
}

interface Banner {
  code: string;
  title: string;
  colour: string;
  accent: string;
}

const BANNERS: Record<LegacySystem, Banner> = {
  igfmas: {
    code: 'iGFMAS',
    title: 'Sistem Pengurusan Perakaunan dan Kewangan Kerajaan Persekutuan',
    colour: '#1f3f6e',
    accent: '#d6dfeb',
  },
  eperolehan: {
    code: 'ePerolehan',
    title: 'Sistem Perolehan Elektronik Kerajaan Malaysia',
    colour: '#2e6b30',
    accent: '#e3efd9',
  },
  speks: {
    code: 'SPEKS',
    title: 'Sistem Perakaunan Kewangan Negeri',
    colour: '#7a1f1f',
    accent: '#f1e0d6',
  },
};

/** "ID Pengguna: <span id="idPengguna">900101-01-1234</span>" and the name: where every screen shows who is logged in. */
export function officerLine(ctx: PageContext): Markup {
  if (!ctx.officer) return html`ID Pengguna: <span id="idPengguna"></span> &nbsp;|&nbsp; Tidak log masuk`;
  return html`ID Pengguna: <span id="idPengguna">${formatNric(ctx.officer.nric)}</span> &nbsp;|&nbsp; Nama: <span id="namaPengguna">${ctx.officer.name}</span>`;
}

function header(system: LegacySystem, ctx: PageContext, menu: Markup | ''): Markup {
  const b = BANNERS[system];
  return html`<table id="tblHeader" width="100%" border="0" cellspacing="0" cellpadding="4" bgcolor="${b.colour}">
  <tr>
    <td class="hdr" valign="top"><font size="4"><b>${b.code}</b></font><br>${b.title}</td>
    <td class="hdr" align="right" valign="top">${officerLine(ctx)}<br>${ctx.officer ? html`PTJ: ${ctx.officer.ptj} &nbsp;|&nbsp; ` : ''}Tarikh: ${formatDate(ctx.now)}<br><a href="#" class="hdr" onclick="alert('Sila tutup pelayar untuk log keluar.'); return false;">Log Keluar</a></td>
  </tr>
</table>
${menu === '' ? '' : html`<table width="100%" border="0" cellspacing="0" cellpadding="3" bgcolor="${b.accent}"><tr><td class="menu">${menu}</td></tr></table>`}`;
}

/** The agency-embed case: one script tag just before </body>, only with `?widget=1`. */
function widgetTag(system: LegacySystem, ctx: PageContext): Markup | '' {
  return ctx.widget ? ctx.widgetLang
      ? html`<script src="${ctx.widgetScriptUrl}" data-system="${system}" data-lang="${ctx.widgetLang}" async></script>`
      : html`<script src="${ctx.widgetScriptUrl}" data-system="${system}" async></script>` : '';
}

const BASE_STYLE = `
body { margin: 0; font-family: Verdana, Tahoma, Arial, sans-serif; font-size: 11px; background: #ffffff; }
td, th, input, textarea, select, button { font-family: Verdana, Tahoma, Arial, sans-serif; font-size: 11px; }
td.hdr, a.hdr { color: #ffffff; }
td.menu a { color: #000000; margin-right: 12px; }
.tajuk { font-size: 13px; font-weight: bold; padding: 8px 0 4px 0; }
.label { background: #eeeeee; font-weight: bold; width: 180px; }
.ro { background: #f3f3f3; border: 1px solid #999999; }
.btn { padding: 2px 10px; border: 1px outset #888888; background: #e4e4e4; cursor: pointer; }
.nota { color: #666666; }
.ralat { color: #cc0000; font-weight: bold; }
`;

/**
 * A whole legacy page: HTML 4.01 Transitional, tables for layout, the system's banner with the
 * logged-in officer, `body`, and the widget script tag when `?widget=1`.
 * `style` and `script` must be static strings written in this folder (they are not escaped).
 */
export function legacyPage(options: {
  system: LegacySystem;
  ctx: PageContext;
  title: string;
  body: Markup;
  menu?: Markup;
  /** A page shown inside another page's iframe: a one-line officer bar instead of the banner. */
  framed?: boolean;
  style?: string;
  script?: string;
}): Markup {
  const { system, ctx, title, body, menu, framed = false, style = '', script = '' } = options;
  const b = BANNERS[system];
  return html`<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd">
<html lang="ms">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>${title} - ${b.code}</title>
<style type="text/css">${raw(BASE_STYLE)}${raw(style)}</style>
${script ? html`<script type="text/javascript">${raw(script)}</script>` : ''}
</head>
<body>
${framed
    ? html`<table id="tblPengguna" width="100%" border="0" cellspacing="0" cellpadding="2" bgcolor="${b.accent}"><tr><td>${officerLine(ctx)}</td><td align="right">${formatDate(ctx.now)}</td></tr></table>`
    : header(system, ctx, menu ?? '')}
<table width="100%" border="0" cellspacing="0" cellpadding="8"><tr><td>
${body}
</td></tr></table>
${framed ? '' : html`<table width="100%" border="0" cellspacing="0" cellpadding="4"><tr><td align="center" class="nota">Hak Cipta Terpelihara &copy; Kerajaan Malaysia. Paparan terbaik dengan resolusi 1024 x 768.</td></tr></table>`}
${widgetTag(system, ctx)}
</body>
</html>`;
}

/** A 4xx page in Bahasa Malaysia (unknown document, unknown officer, unknown action, body too large). */
export function errorPage(options: { system: LegacySystem; ctx: PageContext; title: string; message: string; backHref: string; framed?: boolean }): Markup {
  const { system, ctx, title, message, backHref, framed } = options;
  return legacyPage({
    system,
    ctx,
    framed,
    title,
    body: html`<div class="tajuk">${title}</div>
<p class="ralat" id="mesejRalat">${message}</p>
<p><a href="${backHref}">&laquo; Kembali</a></p>`,
  });
}
