import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finishOfficerPasskeyRegistration, startOfficerPasskeyRegistration } from '../../server/passkeys/officerPasskeys.js';
import { SoftAuthenticator } from '../helpers/softAuthenticator.js';
import { buildExtension, EXTENSION_ORIGIN, launchWithExtension, setLocalSettings } from './extensionBrowser.js';
import { DIALOG_FRAME } from './kit.js';
import { HOST_RULES } from './legacy/legacyCases.js';
import { startLiveServer, type LiveServer } from './liveServer.js';
import { approveScreen, digestOfShownDocument, postedDocuments, SCREENS } from './pages/legacyScreens.js';

// Issue 11, the extension: its dialog runs in the extension's origin, not RoamSign's (the WebAuthn
// RP), so the worker opens a RoamSign-origin popup for the ceremony. The passkey here is made by a
// software authenticator through RoamSign's own registration, then its key is handed to the
// popup's CDP virtual authenticator: the popup is its own browser target.

const AMINAH = { nric: '900101011234', pin: '123456' };

let server: LiveServer;
let browser: Browser;
let page: Page;
let key: SoftAuthenticator;

beforeAll(async () => {
  await buildExtension();
  server = await startLiveServer({ ROAMSIGN_EXTENSION_ORIGINS: EXTENSION_ORIGIN });
  browser = await launchWithExtension([HOST_RULES]);
  await setLocalSettings(browser, { serverUrl: server.url });
  key = new SoftAuthenticator({ id: 'localhost', origin: server.url });
  const started = await startOfficerPasskeyRegistration(server.services, AMINAH.nric, AMINAH.pin);
  await finishOfficerPasskeyRegistration(server.services, AMINAH.nric, { challengeId: started.challengeId, response: key.create(started.options), name: 'Kunci keselamatan' });
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('the extension signs with PIN + passkey through a RoamSign-origin popup', () => {
  it('opens the popup, takes the assertion from it, signs; the report names the passkey', async () => {
    const before = (await postedDocuments(server.url)).length;
    page = await browser.newPage();
    await page.goto(`${server.pageUrl}${SCREENS.igfmas.path}`);
    const screen = await approveScreen(page, 'igfmas', false);
    const digest = await digestOfShownDocument(screen, 'igfmas');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await screen.click(SCREENS.igfmas.approve);
    const frame = (await (await screen.waitForSelector(DIALOG_FRAME, { visible: true }))!.contentFrame())!;
    await frame.waitForSelector('#rs-use-otp', { timeout: 15_000 });
    await frame.type('#rs-pin', AMINAH.pin);
    await frame.click('#rs-sign');

    const target = await browser.waitForTarget((t) => t.url().startsWith(`${server.url}/passkey/ceremony`), { timeout: 15_000 });
    const popup = (await target.page())!;
    const cdp = await popup.createCDPSession();
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });
    const credential = key.credentials[0]!;
    await cdp.send('WebAuthn.addCredential', {
      authenticatorId,
      credential: { credentialId: credential.id.toString('base64'), isResidentCredential: false, rpId: 'localhost', privateKey: credential.key.export({ format: 'der', type: 'pkcs8' }).toString('base64'), signCount: 0 },
    });
    await popup.waitForSelector('#pk-continue');
    await popup.click('#pk-continue');

    // The dialog shows success and closes; the legacy page then posts as before.
    await screen.waitForSelector('#mesejBerjaya', { timeout: 15_000 });
    const posted = await postedDocuments(server.url);
    expect(posted.length).toBe(before + 1);
    const res = await fetch(`${server.url}/api/v1/verify`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ signature: posted[0]!.fields.roamsign_signature, digest }) });
    const report = (await res.json()) as { valid: boolean; passkey?: { credentialId: string } };
    expect(report.valid).toBe(true);
    expect(report.passkey?.credentialId).toBe(credential.id.toString('base64url'));
    // The popup closed itself once the worker had the assertion.
    expect(browser.targets().some((t) => t.url().startsWith(`${server.url}/passkey/ceremony`))).toBe(false);
  }, 90_000);
});
