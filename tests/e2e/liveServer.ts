import type http from 'node:http';
import { startHttpServer } from '../../server/http/nodeServer.js';
import { startTestServer, type TestServer } from '../helpers/testServices.js';
import { freePort } from '../helpers/freePort.js';

export interface LiveServer extends TestServer {
  /** RoamSign's own origin (the widget and its frame): http://localhost:<port>. */
  url: string;
  /** The same server as another origin, standing in for the legacy system: http://127.0.0.1:<port>. */
  pageUrl: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * A real RoamSign server (sandbox, demo data) for Chromium. The demo legacy screens are opened
 * at http://127.0.0.1:<port>, a different origin from the widget's http://localhost:<port>, as in
 * production; that origin is allowed for every system.
 */
export async function startLiveServer(env: Record<string, string> = {}, options: { host?: string } = {}): Promise<LiveServer> {
  const port = await freePort();
  // Another host name (mapped by the browser's --host-resolver-rules) puts RoamSign itself on plain http, not localhost.
  const url = `http://${options.host ?? 'localhost'}:${port}`;
  const pageUrl = `http://127.0.0.1:${port}`;
  const server = await startTestServer(
    {
      PORT: String(port),
      ROAMSIGN_PUBLIC_URL: url,
      ROAMSIGN_OTP_RESEND_COOLDOWN_SECONDS: '5',
      // Browser tests sign many times from fresh browser contexts, every one an unknown source by
      // design (docs/security.md); the budgets themselves are tested in tests/server/limits/.
      ROAMSIGN_UNKNOWN_SENDS_PER_HOUR: '1000',
      ROAMSIGN_ADDRESS_SENDS_PER_HOUR: '1000',
      ...env,
      ROAMSIGN_ALLOWED_ORIGINS: [pageUrl, env.ROAMSIGN_ALLOWED_ORIGINS].filter(Boolean).join(','),
    },
    { realClock: true },
  );
  const listener: http.Server = await startHttpServer({ fetch: server.app.fetch, port, hostname: '127.0.0.1' });
  return {
    ...server,
    url,
    pageUrl,
    port,
    async stop() {
      // Chromium keeps connections alive; end them so close() does not wait for the browser.
      const closing = new Promise<void>((resolve) => listener.close(() => resolve()));
      listener.closeAllConnections();
      await closing;
      await server.close();
    },
  };
}
