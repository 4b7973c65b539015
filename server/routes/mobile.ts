import { createRoute, z } from '@hono/zod-openapi';
import { Hono, type Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { RoamSignError } from '../../shared/errors.js';
import {
  challengeIdSchema,
  deviceConfirmedSchema,
  deviceRemovedSchema,
  deviceViewSchema,
  eventsQuerySchema,
  mobileConfirmSchema,
  mobileRegistrationSchema,
  pushAckedSchema,
  pushAckSchema,
  registrationStartedSchema,
  mobilePasskeyAddedSchema,
  mobilePasskeyFinishSchema,
  mobilePasskeyOptionsSchema,
  mobilePasskeyStartedSchema,
} from '../../shared/schemas/mobile.js';
import { finishOfficerPasskeyRegistration, startOfficerPasskeyRegistration } from '../passkeys/officerPasskeys.js';
import { PASSKEY_NAME_MAX } from '../passkeys/registerPasskey.js';
import { createDeviceRegistry, deviceBySecret, deviceDestination, type DeviceRow } from '../mobile/devices.js';
import { mobileAssets } from '../mobile/bundle.js';
import { MOBILE_CSP, mobileIcon, mobileManifest, mobilePage, mobileServiceWorker } from '../mobile/page.js';
import type { PushHub } from '../mobile/pushHub.js';
import { findOfficer } from '../registry/officers.js';
import type { Services } from '../services.js';
import { apiRoutes, errorAnswers, jsonAnswer, jsonBody, SECURITY } from './apiRoute.js';

/** How often an idle stream sends a comment line, so proxies and phones do not drop it. */
const HEARTBEAT_MS = 20_000;

const security: Record<string, string[]>[] = [{ [SECURITY.device]: [] }];
const tags = ['GPKI Mobile'];

const register = createRoute({
  method: 'post',
  path: '/mobile/registrations',
  tags,
  summary: "Start registering this device (MyKad number + the phone number on the profile); a code goes to the officer's e-mail",
  request: { body: jsonBody(mobileRegistrationSchema) },
  responses: { 201: jsonAnswer(registrationStartedSchema, 'the code is on its way'), ...errorAnswers('bad_request', 'user_not_found', 'forbidden', 'rate_limited') },
});
const confirm = createRoute({
  method: 'post',
  path: '/mobile/registrations/{id}/confirm',
  tags,
  summary: "Confirm with the e-mailed code; the officer's previous device is deactivated",
  request: { params: z.object({ id: challengeIdSchema.meta({ param: { name: 'id', in: 'path' } }) }), body: jsonBody(mobileConfirmSchema) },
  responses: { 201: jsonAnswer(deviceConfirmedSchema, 'registered; keep the secret'), ...errorAnswers('bad_request', 'not_found', 'otp_invalid', 'otp_expired', 'otp_attempts_exceeded') },
});
const readDevice = createRoute({
  method: 'get',
  path: '/mobile/device',
  tags,
  security,
  summary: 'This device',
  responses: { 200: jsonAnswer(deviceViewSchema, 'the device'), ...errorAnswers('unauthorized') },
});
const removeDevice = createRoute({
  method: 'delete',
  path: '/mobile/device',
  tags,
  security,
  summary: 'Remove the account from this device',
  responses: { 200: jsonAnswer(deviceRemovedSchema, 'deactivated'), ...errorAnswers('unauthorized') },
});
const ack = createRoute({
  method: 'post',
  path: '/mobile/ack',
  tags,
  security,
  summary: 'Acknowledge a push (else the OTP also goes by e-mail)',
  request: { body: jsonBody(pushAckSchema) },
  responses: { 200: jsonAnswer(pushAckedSchema, 'acknowledged'), ...errorAnswers('bad_request', 'unauthorized', 'not_found') },
});
const events = createRoute({
  method: 'get',
  path: '/mobile/events',
  tags,
  security: [...security, { [SECURITY.deviceQuery]: [] }],
  summary: 'Server-sent events: ready, push, deactivated',
  request: { query: eventsQuerySchema },
  responses: {
    200: { description: 'an event stream', content: { 'text/event-stream': { schema: z.string().meta({ description: 'events ready, push and deactivated, JSON data' }) } } },
    ...errorAnswers('bad_request', 'unauthorized'),
  },
});

const passkeyOptions = createRoute({
  method: 'post',
  path: '/mobile/passkeys/options',
  tags,
  security,
  summary: "Issue 11: start registering this phone's platform passkey for the device's officer (signing PIN first)",
  request: { body: jsonBody(mobilePasskeyOptionsSchema) },
  responses: { 200: jsonAnswer(mobilePasskeyStartedSchema, 'creation options'), ...errorAnswers('bad_request', 'unauthorized', 'pin_invalid', 'pin_locked') },
});
const passkeyFinish = createRoute({
  method: 'post',
  path: '/mobile/passkeys',
  tags,
  security,
  summary: "Issue 11: keep the phone's passkey once its attestation verifies (audited, e-mailed)",
  request: { body: jsonBody(mobilePasskeyFinishSchema) },
  responses: {
    201: jsonAnswer(mobilePasskeyAddedSchema, 'registered'),
    ...errorAnswers('bad_request', 'unauthorized', 'passkey_malformed', 'passkey_origin_mismatch', 'passkey_rp_id_mismatch', 'passkey_uv_missing', 'passkey_challenge_replayed'),
  },
});

/** The device's bearer secret: the Authorization header, or ?token= where EventSource cannot set headers. */
function bearerOf(c: Context, allowQuery: boolean): string | null {
  const header = c.req.header('authorization');
  const match = header ? /^Bearer\s+(\S{10,200})$/i.exec(header) : null;
  if (match) return match[1]!;
  return allowQuery ? (c.req.query('token') ?? null) : null;
}

/** GPKI Mobile API (under /api/v1, behind the origin check and body limit). */
export function mobileApiRoutes(services: Services, hub: PushHub) {
  const { db } = services;
  const registry = createDeviceRegistry({ db, challenges: services.challenges, notices: services.notices, audit: services.audit, events: hub, now: services.now });

  async function device(c: Context, allowQuery = false): Promise<DeviceRow> {
    const secret = bearerOf(c, allowQuery);
    const found = secret ? await deviceBySecret(db, secret) : null;
    if (!found) throw new RoamSignError('unauthorized');
    return found;
  }

  async function describe(row: DeviceRow) {
    const officer = await findOfficer(db, row.nric);
    return {
      deviceId: row.id,
      platform: row.platform,
      label: row.label,
      status: row.status,
      destination: deviceDestination(row.platform, officer?.phone ?? null, row.label),
      officer: { nric: row.nric, name: officer?.name ?? null },
      registeredAt: new Date(row.registeredAt).toISOString(),
    };
  }

  return apiRoutes()
    .openapi(register, async (c) => c.json(await registry.startRegistration(c.req.valid('json')), 201))
    .openapi(confirm, async (c) => c.json(await registry.confirmRegistration(c.req.valid('param').id, c.req.valid('json').code), 201))
    .openapi(readDevice, async (c) => c.json(await describe(await device(c)), 200))
    .openapi(removeDevice, async (c) => {
      const secret = bearerOf(c, false);
      if (!secret) throw new RoamSignError('unauthorized');
      return c.json(await registry.removeDevice(secret), 200);
    })
    .openapi(passkeyOptions, async (c) => {
      const row = await device(c);
      return c.json(await startOfficerPasskeyRegistration(services, row.nric, c.req.valid('json').pin, 'platform'), 200);
    })
    .openapi(passkeyFinish, async (c) => {
      const row = await device(c);
      const body = c.req.valid('json');
      const passkey = await finishOfficerPasskeyRegistration(services, row.nric, { challengeId: body.challengeId, response: body.credential, name: body.name || `GPKI Mobile (${row.label})`.slice(0, PASSKEY_NAME_MAX).trimEnd() });
      return c.json({ credentialId: passkey.credentialId, name: passkey.name }, 201);
    })
    .openapi(ack, async (c) => {
      const row = await device(c);
      if (!(await hub.ack(row.id, c.req.valid('json').pushId))) throw new RoamSignError('not_found', { reason: 'push_unknown_or_late' });
      return c.json({ acknowledged: true as const }, 200);
    })
    .openapi(events, async (c) => {
      const row = await device(c, true);
      const ready = await describe(row);
      c.header('X-Accel-Buffering', 'no');
      return streamSSE(c, async (stream) => {
        // Writes are chained so that events keep their order and 'deactivated' is out before the close.
        let queue: Promise<unknown> = Promise.resolve();
        const send = (event: string, data: unknown, retry?: number) => {
          queue = queue.then(() => stream.writeSSE({ event, data: JSON.stringify(data), ...(retry ? { retry } : {}) }));
        };
        send('ready', ready, 3000);
        const heartbeat = setInterval(() => {
          queue = queue.then(() => stream.write(': ping\n\n'));
        }, HEARTBEAT_MS);
        // Held open until the device goes away or the hub closes it (deactivated).
        let detach = () => {};
        await new Promise<void>((resolve) => {
          detach = hub.connect(row.id, { send, close: () => void queue.then(() => resolve()) });
          stream.onAbort(() => resolve());
        });
        detach();
        clearInterval(heartbeat);
        await queue;
      });
    });
}

/** The GPKI Mobile web app (/mobile): static shell, script, manifest, icon and service worker. */
export function mobilePageRoutes() {
  const security = { 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' };
  return new Hono()
    .get('/mobile', (c) => c.html(mobilePage(), 200, { ...security, 'Content-Security-Policy': MOBILE_CSP, 'Cache-Control': 'no-cache' }))
    .get('/mobile/app.js', async (c) =>
      c.body((await mobileAssets()).app, 200, { ...security, 'Content-Type': 'application/javascript; charset=utf-8', 'Cache-Control': 'no-cache' }),
    )
    .get('/mobile/manifest.webmanifest', (c) => c.body(mobileManifest(), 200, { ...security, 'Content-Type': 'application/manifest+json; charset=utf-8' }))
    .get('/mobile/icon.svg', (c) => c.body(mobileIcon(), 200, { ...security, 'Content-Type': 'image/svg+xml', 'Cache-Control': 'public, max-age=86400' }))
    .get('/mobile/sw.js', (c) =>
      c.body(mobileServiceWorker(), 200, {
        ...security,
        'Content-Type': 'application/javascript; charset=utf-8',
        'Cache-Control': 'no-cache',
        // The page is /mobile (no slash), outside the default scope /mobile/ of /mobile/sw.js.
        'Service-Worker-Allowed': '/mobile',
      }),
    );
}
