import { Hono } from 'hono';
import { z } from 'zod';
import { ERROR_CODES, ERROR_STATUS } from '../../shared/errors.js';
import { completeSigningRequestSchema, createSigningRequestSchema } from '../../shared/schemas/signingRequest.js';
import { verifyRequestSchema } from '../../shared/schemas/verify.js';
import { APPROVAL_REFUSALS, approvalRequestSchema } from '../../shared/schemas/approval.js';
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
/** A browser, known by its allowed Origin (no credential), or a registered system's token. */
const systemOrBrowser = [{}, { systemClient: ['signing'] }];
const oauthError = { type: 'object', required: ['error'], properties: { error: { enum: ['invalid_request', 'invalid_client', 'invalid_grant', 'unsupported_grant_type', 'invalid_scope'] }, error_description: { type: 'string' } } };

/** The served API description (API.md is the contract; this adds what API.md leaves to us). */
export function buildOpenApi(publicUrl: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'RoamSign API',
      version: pkg.version,
      description:
        'Roaming + OTP signing. Errors are { error: { code, message, details } }; messages are Bahasa Malaysia unless Accept-Language: en. Browser calls are accepted only from origins allowed for the system; every other call to /api/v1/signing-requests… carries a registered system\'s Bearer token (OAuth 2.0 client credentials, POST /oauth2/token), else 401.',
    },
    servers: [{ url: publicUrl }],
    components: {
      securitySchemes: {
        // API.md "Caller authentication (systems)".
        systemClient: {
          type: 'oauth2',
          description: "A registered system's server (or its RoamSign Gate): client credentials from `npm run roamsign -- create-client <system>`, then `Authorization: Bearer <access_token>`. A token acts for its own system only.",
          flows: {
            clientCredentials: {
              tokenUrl: `${publicUrl}/oauth2/token`,
              scopes: { signing: 'create and complete signing requests for the system', approvals: 'ask POST /api/v1/approvals to decide an approval post (RoamSign Gate)' },
            },
          },
        },
      },
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
      '/oauth2/token': {
        post: {
          summary: 'OAuth 2.0 client credentials grant (RFC 6749 §4.4): a Bearer token for a registered system',
          description: 'Client id and secret by HTTP Basic or as client_id / client_secret fields (not both). Errors use RFC 6749 §5.2: { error, error_description }.',
          requestBody: {
            required: true,
            content: {
              'application/x-www-form-urlencoded': {
                schema: {
                  type: 'object',
                  required: ['grant_type'],
                  properties: {
                    grant_type: { const: 'client_credentials' },
                    scope: { type: 'string', description: 'space-separated: signing, approvals (default: all the client may have)' },
                    client_id: { type: 'string' },
                    client_secret: { type: 'string' },
                  },
                },
              },
            },
          },
          responses: {
            200: {
              description: 'the token (Cache-Control: no-store)',
              ...json({ type: 'object', required: ['access_token', 'token_type', 'expires_in', 'scope'], properties: { access_token: { type: 'string' }, token_type: { const: 'Bearer' }, expires_in: { type: 'integer' }, scope: { type: 'string' } } }),
            },
            400: { description: 'invalid_request, unsupported_grant_type, invalid_scope', ...json(oauthError) },
            401: { description: 'invalid_client (WWW-Authenticate: Basic)', ...json(oauthError) },
          },
        },
      },
      '/api/v1/approvals': {
        post: {
          summary: 'RoamSign Gate: decide one approval post (verify the signature over the posted document, officer, system, first use, freshness); audited',
          security: [{ systemClient: ['approvals'] }],
          requestBody: { required: true, ...json(jsonSchema(approvalRequestSchema)) },
          responses: {
            200: {
              description: '{ decision: "pass", approvalId, officer, medium, requestId, documentId } or { decision: "refuse", reason }',
              ...json({
                oneOf: [
                  { type: 'object', required: ['decision', 'approvalId', 'officer', 'medium'], properties: { decision: { const: 'pass' }, approvalId: { type: ['string', 'null'] }, officer: { type: 'string' }, medium: { enum: ['roaming', 'token'] }, requestId: { type: ['string', 'null'] }, documentId: { type: ['string', 'null'] } } },
                  { type: 'object', required: ['decision', 'reason'], properties: { decision: { const: 'refuse' }, reason: { enum: [...APPROVAL_REFUSALS] } } },
                ],
              }),
            },
            ...errors('bad_request', 'unauthorized', 'forbidden', 'payload_too_large'),
          },
        },
      },
      '/api/v1/signing-requests': {
        post: {
          summary: 'Create a signing request (1 to 500 documents) and send its OTP',
          security: systemOrBrowser,
          requestBody: { required: true, ...json(jsonSchema(createSigningRequestSchema)) },
          responses: {
            201: { description: '{ id, status, expiresAt, channel, destination, otpLength, verificationCode }' },
            ...errors('bad_request', 'unauthorized', 'user_not_found', 'medium_not_roaming', 'certificate_revoked', 'origin_not_allowed', 'forbidden', 'pin_locked', 'rate_limited', 'payload_too_large'),
          },
        },
      },
      '/api/v1/signing-requests/{id}': {
        get: { summary: 'Status of a signing request', parameters: [idParam], security: systemOrBrowser, responses: { 200: { description: '{ id, status, expiresAt, … }' }, ...errors('unauthorized', 'forbidden', 'not_found', 'origin_not_allowed') } },
      },
      '/api/v1/signing-requests/{id}/otp': {
        post: { summary: 'Send a new OTP (the previous one dies); rate limited', parameters: [idParam], security: systemOrBrowser, responses: { 200: { description: 'as create' }, ...errors('unauthorized', 'forbidden', 'not_found', 'request_not_pending', 'rate_limited') } },
      },
      '/api/v1/signing-requests/{id}/complete': {
        post: {
          summary: 'PIN + OTP -> detached CAdES-BES signatures, verified',
          parameters: [idParam],
          security: systemOrBrowser,
          requestBody: { required: true, ...json(jsonSchema(completeSigningRequestSchema)) },
          responses: {
            200: { description: '{ id, status: signed, signedAt, signatures[], verification }; a repeat with the same OTP returns the same body' },
            ...errors('bad_request', 'unauthorized', 'forbidden', 'not_found', 'pin_invalid', 'pin_locked', 'otp_invalid', 'otp_expired', 'otp_attempts_exceeded', 'request_not_pending', 'certificate_revoked'),
          },
        },
      },
      '/api/v1/signing-requests/{id}/cancel': {
        post: { summary: 'The officer cancelled', parameters: [idParam], security: systemOrBrowser, responses: { 200: { description: 'the request, cancelled' }, ...errors('unauthorized', 'forbidden', 'not_found', 'request_not_pending') } },
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
    if(op.requestBody){const pre=document.createElement('pre');pre.textContent=JSON.stringify(Object.values(op.requestBody.content)[0].schema,null,2);s.append(pre);}
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
