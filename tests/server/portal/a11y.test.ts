import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AMINAH } from '../../helpers/api.js';
import { startTestServer, type TestServer } from '../../helpers/testServices.js';
import { Browser, signInNewAdmin, signInOfficer } from './browser.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

/** Every visible form control has a unique id and a <label for> naming it. */
function checkLabels(text: string) {
  const ids = [...text.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
  expect(new Set(ids).size, `duplicate ids: ${ids.join(' ')}`).toBe(ids.length);
  const controls = [...text.matchAll(/<(input|select|textarea)\b([^>]*)>/g)].filter((m) => !/type="hidden"/.test(m[2]!));
  expect(controls.length).toBeGreaterThan(0);
  for (const control of controls) {
    const id = /\sid="([^"]+)"/.exec(control[2]!)?.[1];
    expect(id, control[0]).toBeTruthy();
    expect(text, `no label for ${id}`).toContain(`for="${id}"`);
  }
}

describe('portal pages are labelled', () => {
  it('officer pages', async () => {
    checkLabels((await new Browser(server).get('/portal/sign-in')).text);
    const officer = await signInOfficer(server, AMINAH.nric);
    for (const path of ['/portal/apply', '/portal/pin', '/portal/profile']) checkLabels((await officer.get(path)).text);
  });

  it('administrator pages', async () => {
    checkLabels((await new Browser(server).get('/portal/admin/sign-in')).text);
    const { browser } = await signInNewAdmin(server);
    for (const path of ['/portal/admin', '/portal/admin/import', '/portal/admin/audit', '/portal/admin/clients']) checkLabels((await browser.get(path)).text);
  });
});
