import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { warmUp } from '../../server/warmUp.js';
import { widgetAssets } from '../../server/widget/bundle.js';
import { startTestServer, type TestServer } from '../helpers/testServices.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

describe('start-up warm-up (issue 22)', () => {
  it('builds the bundles, checks a PIN verifier, signs once and answers requests, writing nothing', async () => {
    const auditBefore = (await server.services.db.all('select count(*) as n from audit_log'))[0]!.n;
    const report = await warmUp(server.app, server.services.vault);
    expect(report.steps.map((s) => [s.name, s.ok])).toEqual([
      ['widget bundles', true],
      ['GPKI Mobile bundle', true],
      ['passkey scripts', true],
      ['PIN verifier', true],
      ['RSA signature', true],
      ['requests', true],
    ]);
    // The bundles are built: a later request gets them without building.
    expect((await widgetAssets()).loader.length).toBeGreaterThan(100);
    expect((await server.services.db.all('select count(*) as n from audit_log'))[0]!.n).toBe(auditBefore);
  });

  it('a step that fails is reported, never thrown: the first request would do that work instead', async () => {
    const broken = { hashPin: async () => 'x', verifyPin: async () => false };
    const report = await warmUp(server.app, broken);
    expect(report.steps.find((s) => s.name === 'PIN verifier')).toEqual({ name: 'PIN verifier', ok: false });
    expect(report.steps.filter((s) => !s.ok)).toHaveLength(1);
  });
});
