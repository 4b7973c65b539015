import { Hono } from 'hono';
import { z } from 'zod';
import { ERROR_CODES, ERROR_STATUS } from '../../shared/errors.js';
import { completeSigningRequestSchema, createSigningRequestSchema } from '../../shared/schemas/signingRequest.js';
import { verifyRequestSchema } from '../../shared/schemas/verify.js';
import pkg from '../../package.json' with { type: 'json' };

const jsonSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
const json = (schema: object) => ({ content: { 'application/json': { schema } } });
const error = { $ref: '#/components/schemas/Error' };
const errors = (...codes: (typeof ERROR_CODES)[number][]) =>
  Object.fromEntries(
    [...new Set(codes.map((code) => ERROR_STATUS[code]))].map((status) => [
      String(status),
      { description: codes.filter((code) => ERROR_STATUS[code] === status).join(', '), ...json(error) },
    ]),
  );
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^sr_' } };

/** The served API description (API.md is the contract; this adds what API.md leaves to us). */
export function buildOpenApi(publicUrl: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'RoamSign API',
      version: pkg.version,
      description:
        'Roaming + OTP signing. Errors are { error: { code, message, details } }; messages are Bahasa Malaysia unless Accept-Language: en. Browser calls are accepted only from origins allowed for the system.',
    },
    servers: [{ url: publicUrl }],
    components: {
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: { code: { enum: [...ERROR_CODES] }, message: { type: 'string' }, details: { type: 'object' } },
            },
          },
        },
      },
    },
    paths: {
      '/api/v1/health': { get: { summary: 'Liveness and version', responses: { 200: { description: '{ status, version }' } } } },
      '/api/v1/users/{nric}/medium': {
        get: {
          summary: "The officer's signing media and the preferred one",
          parameters: [{ name: 'nric', in: 'path', required: true, schema: { type: 'string', pattern: '^\\d{12}$' } }],
          responses: { 200: { description: '{ nric, media, preferred }' }, ...errors('bad_request', 'user_not_found', 'origin_not_allowed') },
        },
      },
      '/api/v1/signing-requests': {
        post: {
          summary: 'Create a signing request (1 to 500 documents) and send its OTP',
          requestBody: { required: true, ...json(jsonSchema(createSigningRequestSchema)) },
          responses: {
            201: { description: '{ id, status, expiresAt, channel, destination, otpLength, verificationCode }' },
            ...errors('bad_request', 'user_not_found', 'medium_not_roaming', 'certificate_revoked', 'origin_not_allowed', 'forbidden', 'pin_locked', 'rate_limited', 'payload_too_large'),
          },
        },
      },
      '/api/v1/signing-requests/{id}': {
        get: { summary: 'Status of a signing request', parameters: [idParam], responses: { 200: { description: '{ id, status, expiresAt, … }' }, ...errors('not_found', 'origin_not_allowed') } },
      },
      '/api/v1/signing-requests/{id}/otp': {
        post: { summary: 'Send a new OTP (the previous one dies); rate limited', parameters: [idParam], responses: { 200: { description: 'as create' }, ...errors('not_found', 'request_not_pending', 'rate_limited') } },
      },
      '/api/v1/signing-requests/{id}/complete': {
        post: {
          summary: 'PIN + OTP -> detached CAdES-BES signatures, verified',
          parameters: [idParam],
          requestBody: { required: true, ...json(jsonSchema(completeSigningRequestSchema)) },
          responses: {
            200: { description: '{ id, status: signed, signedAt, signatures[], verification }; a repeat with the same OTP returns the same body' },
            ...errors('bad_request', 'not_found', 'pin_invalid', 'pin_locked', 'otp_invalid', 'otp_expired', 'otp_attempts_exceeded', 'request_not_pending', 'certificate_revoked'),
          },
        },
      },
      '/api/v1/signing-requests/{id}/cancel': {
        post: { summary: 'The officer cancelled', parameters: [idParam], responses: { 200: { description: 'the request, cancelled' }, ...errors('not_found', 'request_not_pending') } },
      },
      '/api/v1/verify': {
        post: {
          summary: 'Verify a detached CMS signature against content or its SHA-256',
          requestBody: { required: true, ...json(jsonSchema(verifyRequestSchema)) },
          responses: { 200: { description: 'verification report (valid may be false)' }, ...errors('bad_request') },
        },
      },
      '/api/v1/dev/outbox': {
        get: {
          summary: 'Sandbox only: messages sent to an nric or address, newest first',
          parameters: [{ name: 'to', in: 'query', required: true, schema: { type: 'string' } }],
          responses: { 200: { description: '[{ to, channel, subject, text, otp, requestId, sentAt }]' }, ...errors('not_found') },
        },
      },
      '/api/v1/mobile/registrations': {
        post: {
          summary: 'GPKI Mobile: start registering this device (MyKad number + the phone number on the profile); a code goes to the officer\'s e-mail',
          responses: { 201: { description: '{ challengeId, destination }' }, ...errors('bad_request', 'user_not_found', 'forbidden', 'rate_limited') },
        },
      },
      '/api/v1/mobile/registrations/{id}/confirm': {
        post: {
          summary: 'GPKI Mobile: confirm with the e-mailed code; the previous device of the officer is deactivated',
          responses: { 200: { description: '{ deviceId, secret } (the secret is the device\'s bearer token)' }, ...errors('bad_request', 'not_found', 'otp_invalid', 'otp_expired', 'otp_attempts_exceeded') },
        },
      },
      '/api/v1/mobile/device': {
        get: { summary: 'GPKI Mobile: this device (Authorization: Bearer <secret>)', responses: { 200: { description: 'the device' }, ...errors('unauthorized') } },
        delete: { summary: 'GPKI Mobile: remove the account from this device', responses: { 200: { description: 'deactivated' }, ...errors('unauthorized') } },
      },
      '/api/v1/mobile/events': {
        get: { summary: 'GPKI Mobile: server-sent events (push, deactivated); ?token=<secret> for EventSource', responses: { 200: { description: 'text/event-stream' }, ...errors('unauthorized') } },
      },
      '/api/v1/mobile/ack': {
        post: { summary: 'GPKI Mobile: acknowledge a push (else the OTP also goes by e-mail)', responses: { 200: { description: 'ok' }, ...errors('bad_request', 'unauthorized') } },
      },
      '/ca.crt': { get: { summary: 'CA certificate (DER)', responses: { 200: { description: 'application/pkix-cert' } } } },
      '/ca.pem': { get: { summary: 'CA certificate (PEM)', responses: { 200: { description: 'PEM' } } } },
      '/crl': { get: { summary: 'Current CRL (DER)', responses: { 200: { description: 'application/pkix-crl' } } } },
      '/crl.pem': { get: { summary: 'Current CRL (PEM, X509 CRL)', responses: { 200: { description: 'PEM' } } } },
      '/widget/csp': {
        get: {
          summary: 'The Content-Security-Policy sources a page embedding the widget must allow (script-src and frame-src: this server)',
          responses: { 200: { description: '{ origin, directives: { "script-src": [origin], "frame-src": [origin] }, example, scripts, frame }' } },
        },
      },
    },
  };
}

const DOCS_PAGE = `<!doctype html>
<html lang="ms"><head><meta charset="utf-8"><title>RoamSign API</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:2rem;max-width:60rem}code{background:#f3f3f3;padding:0 .3em}
section{border-top:1px solid #ddd;padding:.5rem 0}.m{display:inline-block;min-width:4rem;font-weight:bold}pre{background:#f7f7f7;padding:.6rem;overflow:auto}</style>
</head><body><h1>RoamSign API</h1><p>Huraian penuh: <a href="/openapi.json">/openapi.json</a></p><main id="api">Memuatkan…</main>
<script>
fetch('/openapi.json').then(r=>r.json()).then(doc=>{
  const main=document.getElementById('api');main.textContent='';
  const p=document.createElement('p');p.textContent=doc.info.description;main.append(p);
  for(const [path,ops] of Object.entries(doc.paths)) for(const [method,op] of Object.entries(ops)){
    const s=document.createElement('section');
    const h=document.createElement('h2');h.innerHTML='<span class="m"></span> <code></code>';
    h.querySelector('.m').textContent=method.toUpperCase();h.querySelector('code').textContent=path;s.append(h);
    const d=document.createElement('p');d.textContent=op.summary;s.append(d);
    if(op.requestBody){const pre=document.createElement('pre');pre.textContent=JSON.stringify(op.requestBody.content['application/json'].schema,null,2);s.append(pre);}
    const ul=document.createElement('ul');
    for(const [st,r] of Object.entries(op.responses)){const li=document.createElement('li');li.textContent=st+': '+r.description;ul.append(li);}
    s.append(ul);main.append(s);
  }
});
</script></body></html>`;

export function openApiRoutes(publicUrl: string) {
  const doc = buildOpenApi(publicUrl);
  return new Hono().get('/openapi.json', (c) => c.json(doc)).get('/docs', (c) => c.html(DOCS_PAGE));
}
