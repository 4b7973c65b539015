import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AMINAH, call, createRequest, latestOtp, makeDocument } from '../../helpers/api.js';
import { startTestServer, type TestServer } from '../../helpers/testServices.js';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(() => server.close());

describe('a repeated complete of a signed batch', () => {
  it('answers the same body, signatures in document order, from the one stored copy of each CMS', async () => {
    const documents = Array.from({ length: 12 }, (_, i) => makeDocument(`RB-2026-${String(11 - i).padStart(4, '0')}`));
    const created = await createRequest(server, { documents });
    const id = created.body.id as string;
    const otp = await latestOtp(server, id);
    const done = await call(server, 'POST', `/api/v1/signing-requests/${id}/complete`, { pin: AMINAH.pin, otp });
    expect(done.status).toBe(200);

    // The stored answer does not repeat the CMS; the signatures table holds each once.
    const stored = (await server.services.db.get('select result from signing_requests where id = ?', id)) as { result: string };
    expect(JSON.parse(stored.result).signatures).toBeUndefined();

    const again = await call(server, 'POST', `/api/v1/signing-requests/${id}/complete`, { pin: AMINAH.pin, otp });
    expect(again.status).toBe(200);
    expect(JSON.stringify(again.body)).toBe(JSON.stringify(done.body));
    expect(again.body.signatures.map((s: { documentId: string }) => s.documentId)).toEqual(documents.map((d) => d.id));
  });
});
