import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { startTestServer, type TestServer } from '../helpers/testServices.js';

export interface LiveServer extends TestServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** A real RoamSign server on http://localhost:<port> (sandbox, demo data), for Chromium to talk to. */
export async function startLiveServer(env: Record<string, string> = {}): Promise<LiveServer> {
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const server = await startTestServer({ PORT: String(port), ROAMSIGN_PUBLIC_URL: url, ROAMSIGN_OTP_RESEND_COOLDOWN_SECONDS: '5', ...env }, { realClock: true });
  const http: ServerType = serve({ fetch: server.app.fetch, port, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => (http.listening ? resolve() : http.once('listening', () => resolve())));
  return {
    ...server,
    url,
    port,
    async stop() {
      await new Promise<void>((resolve) => http.close(() => resolve()));
      server.close();
    },
  };
}
