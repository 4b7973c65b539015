import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../../server/app.js';
import { parseConfig, type Config } from '../../server/env.js';
import { createServices, type Services } from '../../server/services.js';

export interface TestServer {
  services: Services;
  app: ReturnType<typeof createApp>;
  config: Config;
  dataDir: string;
  /** Every line the server logged. */
  logs: string[];
  clock: { now: number; advance(ms: number): void };
  close(): void;
}

/** Lines logged by every test server in this worker, for the no-secrets-in-logs check. */
export const allLogLines: string[] = [];

/**
 * A real server (SQLite, soft vault, CA, sandbox outbox, demo officers) in a fresh temp folder,
 * with a controllable clock. Pass `dataDir` to reopen an existing one (a "restart").
 */
export async function startTestServer(
  env: Record<string, string> = {},
  options: { dataDir?: string; realClock?: boolean } = {},
): Promise<TestServer> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'roamsign-test-'));
  const config = parseConfig({
    ROAMSIGN_DATA_DIR: dataDir,
    ROAMSIGN_SANDBOX: '1',
    ROAMSIGN_PUBLIC_URL: 'http://localhost:8787',
    // Cheap PIN verifier in tests; production default is 4096.
    ROAMSIGN_PIN_SCRYPT_N: '1024',
    ...env,
  });
  const clock = {
    now: Date.now(),
    advance(ms: number) {
      clock.now += ms;
    },
  };
  const logs: string[] = [];
  const services = await createServices(config, {
    now: options.realClock ? Date.now : () => clock.now,
    logSink: (line) => {
      logs.push(line);
      allLogLines.push(line);
    },
  });
  return {
    services,
    app: createApp(services),
    config,
    dataDir,
    logs,
    clock,
    close: () => services.close(),
  };
}
