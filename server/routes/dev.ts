import { createRoute, z } from '@hono/zod-openapi';
import { Hono } from 'hono';
import { html } from 'hono/html';
import { outboxMessageSchema, outboxQuerySchema } from '../../shared/schemas/outbox.js';
import type { Services } from '../services.js';
import { apiRoutes, errorAnswers, jsonAnswer } from './apiRoute.js';

const outbox = createRoute({
  method: 'get',
  path: '/dev/outbox',
  tags: ['Sandbox'],
  summary: 'Sandbox only: the messages sent to a MyKad number or address, newest first',
  request: { query: outboxQuerySchema },
  responses: { 200: jsonAnswer(z.array(outboxMessageSchema), 'the messages'), ...errorAnswers('bad_request', 'not_found') },
});

/** Sandbox only (API.md): the messages sent, for testers and demos. Mounted only when ROAMSIGN_SANDBOX=1. */
export function devApiRoutes(services: Services) {
  return apiRoutes().openapi(outbox, async (c) => c.json(await services.outbox.list(c.req.valid('query').to.replace(/-/g, '')), 200));
}

export function devPageRoutes(services: Services) {
  return new Hono().get('/dev/outbox', async (c) => {
    const to = (c.req.query('to') ?? '900101011234').replace(/-/g, '');
    const messages = await services.outbox.list(to, 20);
    return c.html(html`<!doctype html>
      <html lang="ms">
        <head>
          <meta charset="utf-8" />
          <meta http-equiv="refresh" content="5" />
          <title>Peti keluar (sandbox) — RoamSign</title>
          <style>
            body { font: 15px/1.5 system-ui, sans-serif; margin: 2rem; max-width: 48rem; }
            pre { background: #f4f4f4; padding: 1rem; white-space: pre-wrap; }
            .otp { font-size: 1.6rem; letter-spacing: .2em; font-weight: bold; }
          </style>
        </head>
        <body>
          <h1>Peti keluar sandbox</h1>
          <p>Mesej yang dihantar kepada <strong>${to}</strong>, terbaru dahulu. Halaman ini dimuat semula setiap 5 saat.</p>
          <form><label>No. MyKad atau e-mel <input name="to" value="${to}" /></label> <button>Papar</button></form>
          ${messages.length === 0 ? html`<p>Tiada mesej.</p>` : ''}
          ${messages.map(
            (m) => html`<article>
              <h2>${m.subject}</h2>
              <p>${m.channel} → ${m.to}, ${m.sentAt}</p>
              ${m.otp ? html`<p>OTP: <span class="otp">${m.otp}</span></p>` : ''}
              <pre>${m.text}</pre>
            </article>`,
          )}
        </body>
      </html>`);
  });
}
