import { html } from 'hono/html';
import { formatDateTime, legacyPage, type Markup, type ScreenContext } from './layout.js';
import type { PostedDocument } from './postedLog.js';

/** Longer values (a base64 CMS signature) go in a read-only text area, with their length. */
const SHORT_VALUE = 80;

function fieldValue(value: string | string[]): string {
  return Array.isArray(value) ? value.join('\n') : value;
}

/**
 * "Dokumen telah diposkan": the legacy system's confirmation, listing the document number, the
 * action and every posted field whose name starts with `roamsign` (the signature reference).
 */
export function postedPage(options: { posted: PostedDocument; ctx: ScreenContext; backHref: string; framed?: boolean }): Markup {
  const { posted, ctx, backHref, framed } = options;
  const references = Object.entries(posted.fields).filter(([name]) => name.toLowerCase().startsWith('roamsign'));
  return legacyPage({
    system: posted.system,
    ctx,
    framed,
    title: 'Dokumen telah diposkan',
    body: html`<div class="tajuk" id="mesejBerjaya">Dokumen telah diposkan</div>
<table id="tblPosted" border="1" cellspacing="0" cellpadding="4" bordercolor="#999999" style="border-collapse: collapse">
  <tr><td class="label">No. Dokumen</td><td id="postedNoDokumen">${posted.documentNo}</td></tr>
  <tr><td class="label">Tindakan</td><td id="postedTindakan">${posted.action}</td></tr>
  <tr><td class="label">Tarikh / Masa</td><td id="postedMasa">${formatDateTime(new Date(posted.postedAt))}</td></tr>
  <tr><td class="label">No. Rujukan Posting</td><td id="postedSeq">${posted.seq}</td></tr>
</table>
<div class="tajuk">Rujukan tandatangan</div>
${references.length === 0
    ? html`<p id="tiadaRujukan" class="nota">Tiada rujukan tandatangan pada borang ini.</p>`
    : html`<table id="tblRujukan" border="1" cellspacing="0" cellpadding="4" bordercolor="#999999" style="border-collapse: collapse">
${references.map(([name, sent]) => {
  const value = fieldValue(sent);
  return html`  <tr><td class="label" valign="top">${name}</td><td>${value.length > SHORT_VALUE
      ? html`<textarea readonly rows="4" cols="80" class="ro rujukan" data-field="${name}">${value}</textarea><br><span class="nota">${value.length} aksara</span>`
      : html`<code class="rujukan" data-field="${name}">${value}</code>`}</td></tr>
`;
})}</table>`}
<p><a href="${backHref}">&laquo; Kembali</a></p>`,
  });
}
