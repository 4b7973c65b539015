import { createRoute, z } from '@hono/zod-openapi';
import {
  completedSigningRequestSchema,
  completeSigningRequestSchema,
  createdSigningRequestSchema,
  createSigningRequestSchema,
  requestIdSchema,
  signingRequestViewSchema,
} from '../../shared/schemas/signingRequest.js';
import { completeWithPasskeySchema, passkeyOfferSchema } from '../../shared/schemas/passkey.js';
import type { Context } from 'hono';
import { rememberDevice } from '../http/deviceCookie.js';
import { requesterReader } from '../http/requester.js';
import type { Services } from '../services.js';
import { cancelRequest } from '../signing/cancelRequest.js';
import { completeWithOtp } from '../signing/completeWithOtp.js';
import { completeWithPasskey } from '../signing/completeWithPasskey.js';
import { createSigningRequest } from '../signing/createSigningRequest.js';
import { getSigningRequest } from '../signing/getSigningRequest.js';
import { offerPasskey } from '../signing/offerPasskey.js';
import { requestOfficer } from '../signing/requestOfficer.js';
import { resendOtp } from '../signing/resendOtp.js';
import { observeSigning, unobserved } from '../metrics/observeSigning.js';
import { apiRoutes, errorAnswers, jsonAnswer, jsonBody, SECURITY } from './apiRoute.js';
import { callerOf, trustedReporters } from './caller.js';

const params = z.object({ id: requestIdSchema.meta({ param: { name: 'id', in: 'path' }, example: 'sr_Qm9vdHN0cmFwcGluZzE' }) });
// Browsers call with their Origin and no secret; a system's server with its Bearer token.
/** A browser, known by its allowed Origin (no credential), or a registered system's token with the signing scope. */
const security: Record<string, string[]>[] = [{ [SECURITY.browser]: [] }, { [SECURITY.system]: ['signing'] }];
const tags = ['Signing requests'];

const create = createRoute({
  method: 'post',
  path: '/signing-requests',
  tags,
  security,
  summary: 'Create a signing request (1 to 500 documents) and send its OTP',
  request: { body: jsonBody(createSigningRequestSchema) },
  responses: {
    201: jsonAnswer(createdSigningRequestSchema, 'created; the OTP is on its way'),
    ...errorAnswers('bad_request', 'unauthorized', 'user_not_found', 'medium_not_roaming', 'certificate_revoked', 'origin_not_allowed', 'forbidden', 'pin_locked', 'rate_limited', 'payload_too_large', 'passkey_required'),
  },
});
const read = createRoute({
  method: 'get',
  path: '/signing-requests/{id}',
  tags,
  security,
  summary: 'Status of a signing request',
  request: { params },
  responses: { 200: jsonAnswer(signingRequestViewSchema, 'the request'), ...errorAnswers('bad_request', 'unauthorized', 'forbidden', 'not_found', 'origin_not_allowed') },
});
const resend = createRoute({
  method: 'post',
  path: '/signing-requests/{id}/otp',
  tags,
  security,
  summary: 'Send a new OTP for the same request (the previous one dies); rate limited',
  request: { params },
  responses: { 200: jsonAnswer(createdSigningRequestSchema, 'a new OTP is on its way'), ...errorAnswers('bad_request', 'unauthorized', 'forbidden', 'not_found', 'request_not_pending', 'rate_limited') },
});
const complete = createRoute({
  method: 'post',
  path: '/signing-requests/{id}/complete',
  tags,
  security,
  summary: 'PIN + OTP: detached CAdES-BES signatures, verified; a repeat with the same OTP returns the same body',
  request: { params, body: jsonBody(completeSigningRequestSchema) },
  responses: {
    200: jsonAnswer(completedSigningRequestSchema, 'signed'),
    ...errorAnswers('bad_request', 'unauthorized', 'forbidden', 'not_found', 'pin_invalid', 'pin_locked', 'otp_invalid', 'otp_expired', 'otp_attempts_exceeded', 'request_not_pending', 'certificate_revoked', 'passkey_required'),
  },
});
const cancel = createRoute({
  method: 'post',
  path: '/signing-requests/{id}/cancel',
  tags,
  security,
  summary: 'The officer cancelled in the dialog',
  request: { params },
  responses: { 200: jsonAnswer(signingRequestViewSchema, 'the request, cancelled'), ...errorAnswers('bad_request', 'unauthorized', 'forbidden', 'not_found', 'request_not_pending') },
});

// Passkeys (issue 11): added routes; the documented ones above are unchanged.
const passkeyOffer = createRoute({
  method: 'post',
  path: '/signing-requests/{id}/passkey',
  tags,
  security,
  summary: 'The second factors policy allows, and a WebAuthn assertion challenge bound to this request (single use)',
  request: { params },
  responses: { 200: jsonAnswer(passkeyOfferSchema, 'policy and request options (null: offer the OTP)'), ...errorAnswers('bad_request', 'unauthorized', 'forbidden', 'not_found', 'request_not_pending') },
});
const passkeyComplete = createRoute({
  method: 'post',
  path: '/signing-requests/{id}/complete-passkey',
  tags,
  security,
  summary: 'PIN + passkey assertion in place of the OTP: detached CAdES-BES signatures, verified',
  request: { params, body: jsonBody(completeWithPasskeySchema) },
  responses: {
    200: jsonAnswer(completedSigningRequestSchema, 'signed'),
    ...errorAnswers(
      'bad_request',
      'unauthorized',
      'forbidden',
      'not_found',
      'pin_invalid',
      'pin_locked',
      'request_not_pending',
      'certificate_revoked',
      'passkey_malformed',
      'passkey_origin_mismatch',
      'passkey_rp_id_mismatch',
      'passkey_challenge_replayed',
      'passkey_challenge_mismatch',
      'passkey_uv_missing',
      'passkey_counter_regression',
      'passkey_credential_unknown',
      'passkey_not_allowed',
    ),
  },
});

export function signingRequestRoutes(services: Services) {
  const { signing, db, config } = services;
  const trusted = trustedReporters(config);
  const requesterOf = requesterReader(config);
  // Who calls, and from where (source address, device cookie): whose budget the call spends.
  const caller = (c: Context) => ({ ...callerOf(c, trusted), requester: requesterOf(c) });
  // Issue 24: the verbs counted and timed around their calls, when the metrics are on.
  const observe = services.metrics ? observeSigning({ db, metrics: services.metrics }) : unobserved;
  /**
   * A browser that signed (PIN with OTP or passkey) keeps a budget of its own for this officer
   * (docs/security.md). Only the extension's worker reads the token from a header: a page's script
   * must never see it.
   */
  const rememberSigner = async (c: Context, who: ReturnType<typeof caller>, id: string) => {
    if (who.client || who.origin === null) return;
    const nric = await requestOfficer(db, id);
    if (nric === null) return;
    const asHeader = config.extensionOrigins.includes(c.req.header('origin') ?? '');
    await rememberDevice(c, { db, publicUrl: config.publicUrl, subject: `officer:${nric}`, now: services.now(), asHeader });
  };
  return apiRoutes()
    .openapi(create, async (c) => {
      const input = c.req.valid('json');
      return c.json(await observe.create(input.system, () => createSigningRequest(signing, input, caller(c))), 201);
    })
    .openapi(read, async (c) => c.json(await getSigningRequest(signing, c.req.valid('param').id, caller(c)), 200))
    .openapi(resend, async (c) => c.json(await observe.resend(() => resendOtp(signing, c.req.valid('param').id, caller(c))), 200))
    .openapi(complete, async (c) => {
      const { id } = c.req.valid('param');
      const who = caller(c);
      const done = await observe.complete('otp', id, () => completeWithOtp(signing, id, c.req.valid('json'), who));
      await rememberSigner(c, who, id);
      return c.json(done, 200);
    })
    .openapi(passkeyOffer, async (c) => c.json(await offerPasskey(signing, c.req.valid('param').id, caller(c)), 200))
    .openapi(passkeyComplete, async (c) => {
      const { id } = c.req.valid('param');
      const who = caller(c);
      const done = await observe.complete('passkey', id, () => completeWithPasskey(signing, id, c.req.valid('json'), who));
      await rememberSigner(c, who, id);
      return c.json(done, 200);
    })
    .openapi(cancel, async (c) => c.json(await cancelRequest(signing, c.req.valid('param').id, caller(c)), 200));
}
