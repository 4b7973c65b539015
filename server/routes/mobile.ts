import { Hono, type Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import { RoamSignError } from '../../shared/errors.js';
import { nricSchema } from '../../shared/schemas/common.js';
import { createDeviceRegistry, deviceBySecret, deviceDestination, type DeviceRow } from '../mobile/devices.js';
import { mobileAssets } from '../mobile/bundle.js';
import { MOBILE_CSP, mobileIcon, mobileManifest, mobilePage, mobileServiceWorker } from '../mobile/page.js';
import type { PushHub } from '../mobile/pushHub.js';
import { findOfficer } from '../registry/officers.js';
import type { Services } from '../services.js';
import { validate } from './validate.js';

/** How often an idle stream sends a comment line, so proxies and phones do not drop it. */
const HEARTBEAT_MS = 20_000;

const registrationBody = validate(
  'json',
  z.strictObject({
    nric: nricSchema,
    phone: z.string().trim().min(7).max(20).regex(/^\+?[\d\s\-().]+$/, 'expected a phone number'),
    platform: z.enum(['android', 'ios', 'web']),
    label: z.string().trim().min(1).max(60),
  }),
);
const challengeParam = validate('param', z.strictObject({ id: z.string().regex(/^ch_[A-Za-z0-9_-]{10,40}$/) }));
const confirmBody = validate('json', z.strictObject({ code: z.string().regex(/^\d{6}$/, 'expected 6 digits') }));
const ackBody = validate('json', z.strictObject({ pushId: z.string().regex(/^push_[A-Za-z0-9_-]{10,40}$/) }));
const eventsQuery = validate('query', z.strictObject({ token: z.string().min(10).max(200).optional() }));

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
      destination: deviceDestination(row.platform, officer?.phone ?? null),
      officer: { nric: row.nric, name: officer?.name ?? null },
      registeredAt: new Date(row.registeredAt).toISOString(),
    };
  }

  return new Hono()
    .post('/mobile/registrations', registrationBody, async (c) => c.json(await registry.startRegistration(c.req.valid('json')), 201))
    .post('/mobile/registrations/:id/confirm', challengeParam, confirmBody, async (c) =>
      c.json(await registry.confirmRegistration(c.req.valid('param').id, c.req.valid('json').code), 201),
    )
    .get('/mobile/device', async (c) => c.json(await describe(await device(c))))
    .delete('/mobile/device', async (c) => {
      const secret = bearerOf(c, false);
      if (!secret) throw new RoamSignError('unauthorized');
      return c.json(await registry.removeDevice(secret));
    })
    .post('/mobile/ack', ackBody, async (c) => {
      const row = await device(c);
      if (!hub.ack(row.id, c.req.valid('json').pushId)) throw new RoamSignError('not_found', { reason: 'push_unknown_or_late' });
      return c.json({ acknowledged: true });
    })
    .get('/mobile/events', eventsQuery, async (c) => {
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
