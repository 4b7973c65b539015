import type { IncomingMessage, ServerResponse } from 'node:http';
import { html } from 'hono/html';
import { pickLang, type Lang } from '../shared/i18n/index.js';
import { PAGE_TEXT, refusalText, type GateRefusal } from './messages.js';

const STATUS: Partial<Record<GateRefusal, number>> = {
  body_too_large: 413,
  body_malformed: 400,
  body_type: 400,
  field_repeated: 400,
  document_incomplete: 400,
  target_malformed: 400,
  body_encoded: 400,
  charset_unsupported: 400,
  field_malformed: 400,
  roamsign_unreachable: 503,
  gate_busy: 503,
  rate_limited: 429,
};

/** fetch() and XMLHttpRequest get JSON; a form post (a page navigation) gets a page. */
export function wantsJson(req: IncomingMessage, jsonBody: boolean): boolean {
  const accept = req.headers.accept ?? '';
  return (
    jsonBody ||
    String(req.headers['x-requested-with'] ?? '').toLowerCase() === 'xmlhttprequest' ||
    req.headers['sec-fetch-dest'] === 'empty' ||
    (/application\/json/i.test(accept) && !/text\/html/i.test(accept))
  );
}

async function page(lang: Lang, reason: GateRefusal): Promise<string> {
  const text = PAGE_TEXT[lang];
  const { what, todo } = refusalText(lang, reason);
  const markup = await html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${text.title} — RoamSign</title>
<style>
body { font-family: system-ui, sans-serif; margin: 0; background: #f4f5f7; color: #1b1b1b; }
main { max-width: 40rem; margin: 3rem auto; background: #fff; border-top: 6px solid #b3261e; padding: 1.5rem 2rem; box-shadow: 0 1px 3px rgba(0,0,0,.15); }
h1 { font-size: 1.4rem; margin: 0 0 1rem; }
h2 { font-size: 1.05rem; margin: 1.5rem 0 .5rem; }
p.code { color: #4a4a4a; font-size: .9rem; }
a { color: #0b57d0; }
</style>
</head>
<body>
<main>
<h1>${text.heading}</h1>
<p id="roamsign-gate-reason" data-reason="${reason}">${what}</p>
<h2>${text.whatToDo}</h2>
<p>${todo}</p>
<p class="code">${text.reference}: ${reason}</p>
<p><a href="javascript:history.back()">${text.back}</a></p>
</main>
</body>
</html>`;
  return String(markup);
}

/**
 * Answers a refused approval: what was wrong and what to do, in Bahasa Malaysia (English with
 * Accept-Language: en), as a page or as JSON `{ error: { code: "approval_refused", message,
 * details: { reason, whatToDo } } }`. The back end never sees the post. `close` ends the
 * connection (a body left unread).
 */
export async function refuse(req: IncomingMessage, res: ServerResponse, options: { reason: GateRefusal; json: boolean; close?: boolean }): Promise<void> {
  const { reason, json, close = false } = options;
  const lang = pickLang(req.headers['accept-language']);
  const status = STATUS[reason] ?? 403;
  const { what, todo } = refusalText(lang, reason);
  const body = json
    ? JSON.stringify({ error: { code: 'approval_refused', message: what, details: { reason, whatToDo: todo } } })
    : await page(lang, reason);
  res.writeHead(status, {
    'Content-Type': json ? 'application/json; charset=utf-8' : 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    'Content-Language': lang,
    'X-RoamSign-Gate': `refused; reason=${reason}`,
    ...(reason === 'gate_busy' ? { 'Retry-After': '5' } : reason === 'rate_limited' ? { 'Retry-After': '60' } : {}),
    ...(close ? { Connection: 'close' } : {}),
  });
  res.end(body);
}
