import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { demoOfficerLines } from '../../server/demo/demoBanner.js';
import { latestCertificate } from '../../server/registry/officers.js';
import { startTestServer, type TestServer } from '../helpers/testServices.js';

// Issue 23 item 10: the banner prints what is true now, not the seed.

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(() => server.close());

const lineOf = async (nric: string) => (await demoOfficerLines(server.services)).find((line) => line.includes(nric))!;

describe("npm start's demo officers", () => {
  it('a fresh sandbox: the demo PINs, nothing to note', async () => {
    expect(await lineOf('880202025678')).toMatch(/Tan Wei Ming\s+roaming\+token\s+PIN 654321\s+weiming@anm\.gov\.my$/);
    expect(await lineOf('750303039999')).toMatch(/Rajesh a\/l Kumar\s+token\s+PIN -/);
  });

  it("Tan Wei Ming's certificate revoked, Aminah's PIN locked: said, and no longer printed as ready", async () => {
    const cert = await latestCertificate(server.services.db, '880202025678');
    await server.services.ca.revoke(cert!.serial, 'keyCompromise', 'cli');
    const { officers } = server.services.db.t;
    await server.services.db.orm.update(officers).set({ pinLockedAt: server.clock.now }).where(eq(officers.nric, '900101011234'));
    expect(await lineOf('880202025678')).toContain('(certificate revoked: cannot sign with Roaming)');
    expect(await lineOf('900101011234')).toContain('PIN locked (npm run roamsign -- unlock 900101011234)');
  });
});
