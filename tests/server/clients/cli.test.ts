import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, CLI_TEST_TIMEOUT_MS } from '../../helpers/cli.js';
import { reopenDb, startTestServer } from '../../helpers/testServices.js';


describe('client credentials from the CLI', () => {
  it('create-client prints the id and the secret once; rotate-client and revoke-client act on it', async () => {
    const first = await startTestServer();
    const dataDir = first.dataDir;
    await first.close();

    const created = cli(first.env, ['create-client', 'speks', '--name', 'SPEKS Negeri Perlis']);
    expect(created.code).toBe(0);
    const clientId = /^client_id: (speks-[0-9a-f]{12})$/m.exec(created.out)?.[1];
    const secret = /^client_secret: (rs_cs_[A-Za-z0-9_-]{43})$/m.exec(created.out)?.[1];
    expect(clientId).toBeDefined();
    expect(secret).toBeDefined();
    const db = await reopenDb(first);
    expect(JSON.stringify(await db.all('select * from clients'))).not.toContain(secret!);
    await db.close();

    const rotated = cli(first.env, ['rotate-client', clientId!]);
    expect(rotated.code).toBe(0);
    const newSecret = /^client_secret: (rs_cs_\S+)$/m.exec(rotated.out)?.[1];
    expect(newSecret).not.toBe(secret);

    expect(cli(first.env, ['list-clients', 'speks']).out).toMatch(new RegExp(`^${clientId}\\tspeks\\tsigning approvals\\tactive\\tSPEKS Negeri Perlis$`, 'm'));

    // The server takes the new secret and not the old one.
    const server = await startTestServer({}, { dataDir });
    const token = (s: string) =>
      server.app.request('/oauth2/token', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId!, client_secret: s }).toString(),
      });
    expect((await token(secret!)).status).toBe(401);
    expect((await token(newSecret!)).status).toBe(200);
    await server.close();

    const revoked = cli(first.env, ['revoke-client', clientId!]);
    expect(revoked.code).toBe(0);
    expect(revoked.out).toContain(`${clientId}: revoked`);
    expect(cli(first.env, ['revoke-client', 'speks-000000000000']).code).toBe(1);
    expect(cli(first.env, ['create-client', 'sap']).out).toContain('refused: not_found');
  }, CLI_TEST_TIMEOUT_MS);
});
