import type { Browser } from 'puppeteer-core';
import { expect } from 'vitest';
import { removePasskey } from '../../server/passkeys/managePasskeys.js';
import { finishOfficerPasskeyRegistration, startOfficerPasskeyRegistration } from '../../server/passkeys/officerPasskeys.js';
import { SoftAuthenticator } from '../helpers/softAuthenticator.js';
import { DIALOG_FRAME } from './kit.js';
import { guardReady } from './legacy/legacyCases.js';
import type { LiveServer } from './liveServer.js';
import { approveScreen, digestOfShownDocument, postedDocuments, SCREENS } from './pages/legacyScreens.js';

// Issue 11, the extension: its dialog runs in the extension's origin, not RoamSign's (the WebAuthn
// RP), so the worker opens a RoamSign-origin popup for the ceremony. The passkey here is made by a
// software authenticator through RoamSign's own registration, then its key is handed to the
// popup's CDP virtual authenticator: the popup is its own browser target. Run from
// extension.test.ts, which builds and loads the extension once (builds of parallel files collide).

const AMINAH = { nric: '900101011234', pin: '123456' };

/** Signs on the plain iGFMAS screen with PIN + passkey through the popup; the passkey is removed afterwards. */
export async function passkeyThroughPopup(server: LiveServer, browser: Browser): Promise<void> {
  const key = new SoftAuthenticator({ id: 'localhost', origin: server.url });
  const started = await startOfficerPasskeyRegistration(server.services, AMINAH.nric, AMINAH.pin);
  await finishOfficerPasskeyRegistration(server.services, AMINAH.nric, { challengeId: started.challengeId, response: key.create(started.options), name: 'Kunci keselamatan' });
  const credential = key.credentials[0]!;
  const page = await browser.newPage();
  try {
    const before = (await postedDocuments(server.url)).length;
    await page.goto(`${server.pageUrl}${SCREENS.igfmas.path}`);
    const screen = await approveScreen(page, 'igfmas', false);
    const digest = await digestOfShownDocument(screen, 'igfmas');
    await guardReady(screen);
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
  } finally {
    await page.close().catch(() => undefined);
    await removePasskey(server.services, { type: 'officer', id: AMINAH.nric }, credential.id.toString('base64url'));
  }
}
