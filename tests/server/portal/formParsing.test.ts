import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AMINAH } from '../../helpers/api.js';
import { startTestServer, tableNames, type TestServer } from '../../helpers/testServices.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const ORIGIN = 'http://localhost:8787';
const B = 'XyZboundary42';

/** Row counts of every table: a refused form changes none. */
async function rowCounts(): Promise<Record<string, number>> {
  const { db } = server.services;
  const counts: Record<string, number> = {};
  for (const name of await tableNames(db)) counts[name] = ((await db.get(`select count(*) as n from "${name}"`)) as { n: number }).n;
  return counts;
}

async function post(body: string | Uint8Array<ArrayBuffer>, contentType: string | null) {
  const headers: Record<string, string> = { Origin: ORIGIN };
  if (contentType !== null) headers['Content-Type'] = contentType;
  const res = await server.app.request('/portal/sign-in', { method: 'POST', headers, body });
  const text = await res.text();
  return { status: res.status, text, code: /data-error-code="([a-z_]+)"/.exec(text)?.[1], reason: /data-error-reason="([a-z0-9_]*)"/.exec(text)?.[1] };
}

const part = (name: string, value: string) => `--${B}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;

type Case = [name: string, body: string | Uint8Array<ArrayBuffer>, contentType: string | null, reason: string];
const refused: Case[] = [
  ['multipart without a boundary', part('nric', AMINAH.nric), 'multipart/form-data', 'form_malformed'],
  ['multipart cut short (no closing boundary)', `${part('nric', AMINAH.nric)}--${B}\r\nContent-Disposition: form-data; name="x"\r\n\r\nabc`, `multipart/form-data; boundary=${B}`, 'form_malformed'],
  ['multipart with another boundary', `${part('nric', AMINAH.nric)}--${B}--\r\n`, 'multipart/form-data; boundary=other', 'form_malformed'],
  ['multipart that is random text', 'this is not multipart at all', `multipart/form-data; boundary=${B}`, 'form_malformed'],
  ['multipart part headers cut short', `--${B}\r\nContent-Disposition: form-da`, `multipart/form-data; boundary=${B}`, 'form_malformed'],
  ['urlencoded in Shift_JIS', `nric=${AMINAH.nric}`, 'application/x-www-form-urlencoded; charset=shift_jis', 'form_charset'],
  ['urlencoded in ISO-8859-1', `nric=${AMINAH.nric}`, 'application/x-www-form-urlencoded; charset=ISO-8859-1', 'form_charset'],
  ['urlencoded with %FF%FE (not UTF-8)', `nric=${AMINAH.nric}&name=%FF%FE`, 'application/x-www-form-urlencoded', 'form_not_utf8'],
  ['urlencoded with a raw 0xFF byte', new Uint8Array([...Buffer.from('nric=9001'), 0xff, 0x31]), 'application/x-www-form-urlencoded', 'form_not_utf8'],
  ['urlencoded with a lone surrogate %ED%A0%80', 'nric=%ED%A0%80', 'application/x-www-form-urlencoded', 'form_not_utf8'],
  ['text/plain', `nric=${AMINAH.nric}`, 'text/plain', 'form_content_type'],
  ['JSON', JSON.stringify({ nric: AMINAH.nric }), 'application/json', 'form_content_type'],
  ['no Content-Type', `nric=${AMINAH.nric}`, null, 'form_content_type'],
];

describe('portal forms that cannot be read are 400 bad_request with the reason, and change nothing', () => {
  it.each(refused)('%s', async (_name, body, contentType, reason) => {
    const before = await rowCounts();
    const res = await post(body, contentType);
    expect(res.status).toBe(400);
    expect(res.code).toBe('bad_request');
    expect(res.reason).toBe(reason);
    expect(res.text).toContain('role="alert"');
    expect(await rowCounts()).toEqual(before);
  });
});

describe('well-formed forms still work', () => {
  it.each([
    ['urlencoded', `nric=${AMINAH.nric}`, 'application/x-www-form-urlencoded'],
    ['urlencoded, charset=UTF-8', `nric=${AMINAH.nric}`, 'application/x-www-form-urlencoded; charset=UTF-8'],
    ['urlencoded with a __proto__ field', `__proto__=x&nric=${AMINAH.nric}`, 'application/x-www-form-urlencoded'],
    ['multipart', `${part('nric', AMINAH.nric)}--${B}--\r\n`, `multipart/form-data; boundary=${B}`],
  ])('%s: the code page', async (_name, body, contentType) => {
    const res = await post(body, contentType);
    expect(res.status).toBe(200);
    expect(res.text).toContain('name="challengeId"');
  });

  it('percent-encoded UTF-8 (Malay and Tamil names) decodes exactly', async () => {
    const { readForm } = await import('../../../server/portal/readForm.js');
    const name = 'Rajesh a/l Kumar — ராஜேஷ்';
    const form = await readForm(
      new Request('http://x/', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ name, a: '1+1 = 2' }).toString() }),
    );
    expect(form['name']).toBe(name);
    expect(form['a']).toBe('1+1 = 2');
  });
});
