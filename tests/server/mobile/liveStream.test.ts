import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLiveServer, type LiveServer } from '../../e2e/liveServer.js';
import { registerDevice } from './helpers.js';

let server: LiveServer;
beforeAll(async () => {
  server = await startLiveServer();
});
afterAll(async () => {
  await server?.stop();
});

async function until(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the live stream over real HTTP', () => {
  it('streams events to a device and forgets the connection when the device hangs up', async () => {
    const device = await registerDevice(server);
    const hub = server.services.pushHub;
    const abort = new AbortController();
    const res = await fetch(`${server.url}/api/v1/mobile/events?token=${device.secret}`, { signal: abort.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain('event: ready');
    await until(() => hub.connectionCount(device.deviceId) === 1);

    abort.abort();
    await reader.cancel().catch(() => undefined);
    await until(() => hub.connectionCount(device.deviceId) === 0);
  });
});
