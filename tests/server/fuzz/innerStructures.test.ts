import { eq } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentDigest } from '../../../shared/document.js';
import { ERROR_CODES } from '../../../shared/errors.js';
import { APPROVAL_REFUSALS } from '../../../shared/schemas/approval.js';
import { ANONYMOUS_CEREMONIES_PER_ADDRESS } from '../../../server/passkeys/passkeySignIn.js';
import { finishOfficerPasskeyRegistration, startOfficerPasskeyRegistration } from '../../../server/passkeys/officerPasskeys.js';
import { signFields, type SignedDocument } from '../../gate/signing.js';
import { AMINAH, call, createRequest, documentBytes, sha256b64, systemToken } from '../../helpers/api.js';
import { SoftAuthenticator } from '../../helpers/softAuthenticator.js';
import { startTestServer, type TestServer } from '../../helpers/testServices.js';
import { registerDevice } from '../mobile/helpers.js';
import { Browser } from '../portal/browser.js';
import { assertionPlan, cmsEdits, editedCms, plannedAssertion, plannedRegistration, registrationPlan, type AssertionPlan, type HeldCredential, type RegistrationPlan } from './innerStructures.js';

// Issue 17, Deliver item 6: the route fuzz (routes.test.ts) changes the outer JSON; this one
// builds valid passkey assertions, registrations and CMS signatures and changes what is inside
// them (clientDataJSON, authenticatorData, the attestation's CBOR, the CMS DER), against every
// route that reads them. Not one answer may be a 5xx; an error is a 4xx with a code from the
// error table; a 200 only where the structure is still right (the unchanged control case).
// Fixed seed (FUZZ_SEED replays another), modest runs (FUZZ_INNER_RUNS per route).

const RUNS = Number(process.env.FUZZ_INNER_RUNS ?? 60);
const SEED = Number(process.env.FUZZ_SEED ?? 17);
const RP = { id: 'localhost', origin: 'http://localhost:8787' };
const FIELDS = { noDokumen: 'STH-2026-000777', amaun: '1,234.00', vendor: 'Syarikat Contoh Sdn Bhd' };
const FUZZ_FIELDS = { ...FIELDS, noDokumen: 'STH-2026-000778' };

let server: TestServer;
let credential: HeldCredential;
let deviceAuth: Record<string, string>;
let signed: SignedDocument;
/** Another signed document, never posted before the fuzz: its changed CMS meets the signature checks, not the replay check. */
let fuzzSigned: SignedDocument;
let approvalsAuth: Record<string, string>;
let pendingId: string;
let requests = 0;

async function newRequest(): Promise<string> {
  const docId = `STH-2026-${String(++requests).padStart(6, '0')}`;
  const created = await createRequest(server, { documents: [{ id: docId, digest: sha256b64(documentBytes(docId)) }] });
  if (created.status !== 201) throw new Error(`create: ${created.status}`);
  return created.body.id as string;
}

beforeAll(async () => {
  server = await startTestServer({
    ROAMSIGN_OTP_SENDS_PER_HOUR: '100000',
    ROAMSIGN_CODES_PER_HOUR: '100000',
    ROAMSIGN_UNKNOWN_SENDS_PER_HOUR: '100000',
    ROAMSIGN_ADDRESS_SENDS_PER_HOUR: '100000',
    ROAMSIGN_OTP_RESEND_COOLDOWN_SECONDS: '0',
    ROAMSIGN_LOG_LEVEL: 'silent',
  });
  const key = new SoftAuthenticator(RP);
  const started = await startOfficerPasskeyRegistration(server.services, AMINAH.nric, AMINAH.pin);
  await finishOfficerPasskeyRegistration(server.services, AMINAH.nric, { challengeId: started.challengeId, response: key.create(started.options), name: 'Laptop' });
  credential = key.credentials[0]!;
  deviceAuth = { Authorization: `Bearer ${(await registerDevice(server)).secret}` };
  signed = await signFields(server, { nric: AMINAH.nric, pin: AMINAH.pin, fields: FIELDS, idField: 'noDokumen' });
  fuzzSigned = await signFields(server, { nric: AMINAH.nric, pin: AMINAH.pin, fields: FUZZ_FIELDS, idField: 'noDokumen' });
  approvalsAuth = { Authorization: `Bearer ${await systemToken(server, 'igfmas', 'approvals')}` };
  pendingId = await newRequest();
}, 120_000);
afterAll(() => server?.close());

interface Answer {
  status: number;
  text: string;
}

/** What is wrong with an answer, if anything: a 5xx, or an error without a code from the table. */
function problemOf(answer: Answer, allowed: number[]): string | null {
  if (answer.status >= 500) return `${answer.status}`;
  if (answer.status < 0) return `forged, yet ${-answer.status}`;
  if (answer.status < 400) return allowed.includes(answer.status) ? null : `unexpected ${answer.status}`;
  let code: unknown;
  try {
    code = (JSON.parse(answer.text) as { error?: { code?: unknown } }).error?.code;
  } catch {
    return `error that is not JSON (${answer.status})`;
  }
  return (ERROR_CODES as readonly unknown[]).includes(code) ? null : `error code ${String(code)} not in the table`;
}

const statusesOf = new Map<string, Map<string, number>>();
function count(route: string, answer: Answer) {
  let key = String(answer.status);
  try {
    const body = JSON.parse(answer.text) as { error?: { code?: string }; reason?: string; valid?: boolean };
    key += ` ${body.error?.code ?? body.reason ?? (body.valid === undefined ? '' : `valid=${body.valid}`)}`.trimEnd();
  } catch {
    // not JSON
  }
  const counts = statusesOf.get(route) ?? new Map<string, number>();
  counts.set(key, (counts.get(key) ?? 0) + 1);
  statusesOf.set(route, counts);
}

const asAnswer = (res: { status: number; body: unknown }): Answer => ({ status: res.status, text: typeof res.body === 'string' ? res.body : JSON.stringify(res.body) });

/** Runs each plan through `send` and collects the failures (with the plan, to replay). */
async function fuzz<P>(route: string, plans: P[], send: (plan: P) => Promise<Answer>, allowed: number[]): Promise<string[]> {
  const failures: string[] = [];
  for (const plan of plans) {
    const answer = await send(plan);
    count(route, answer);
    const problem = problemOf(answer, allowed);
    if (problem) failures.push(`${route} ${problem}: ${answer.text.slice(0, 200)} plan=${JSON.stringify(plan, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : typeof v === 'string' && v.length > 80 ? `${v.slice(0, 20)}…(${v.length})` : v))}`);
  }
  console.log(`inner fuzz ${route}: ${JSON.stringify(Object.fromEntries(statusesOf.get(route) ?? []))}`);
  return failures;
}

const samples = <T>(arbitrary: fc.Arbitrary<T>, salt: number) => fc.sample(arbitrary, { numRuns: RUNS, seed: SEED + salt });
const NONE: AssertionPlan = { clientData: { kind: 'none' }, authData: { kind: 'none' }, assertion: { kind: 'none' }, signChanged: true };

/** A counter that went back (a signed counter edit) suspends the credential, rightly: set it active again for the runs after. */
async function reactivateIfSuspended(answer: Answer) {
  if (!answer.text.includes('passkey_counter_regression')) return;
  const { passkeys } = server.services.db.t;
  await server.services.db.orm.update(passkeys).set({ status: 'active', statusReason: null, statusAt: null }).where(eq(passkeys.credentialId, credential.id.toString('base64url')));
}

async function completePasskey(plan: AssertionPlan): Promise<Answer> {
  const offer = await call(server, 'POST', `/api/v1/signing-requests/${pendingId}/passkey`);
  if (offer.status !== 200) return asAnswer(offer);
  const { forged, credential: assertion } = plannedAssertion(credential, RP, offer.body.options.challenge, plan);
  const res = asAnswer(await call(server, 'POST', `/api/v1/signing-requests/${pendingId}/complete-passkey`, { pin: AMINAH.pin, credential: assertion }));
  if (res.status === 200) pendingId = await newRequest();
  await reactivateIfSuspended(res);
  return forged && res.status < 400 ? { status: -res.status, text: `a forged assertion was taken: ${res.text}` } : res;
}

async function portalSignIn(plan: AssertionPlan): Promise<Answer> {
  const browser = new Browser(server);
  const options = await browser.post('/portal/sign-in/passkey/options', {}, { csrf: null });
  if (options.status !== 200) return { status: options.status, text: options.text };
  const { challengeId, options: creation } = JSON.parse(options.text) as { challengeId: string; options: { challenge: string } };
  const { forged, credential: assertion } = plannedAssertion(credential, RP, creation.challenge, plan);
  const done = await browser.post('/portal/sign-in/passkey', { challengeId, response: JSON.stringify(assertion) }, { csrf: null });
  await reactivateIfSuspended({ status: done.status, text: done.text });
  return forged && done.status < 400 ? { status: -done.status, text: `a forged assertion signed in: ${done.text}` } : { status: done.status, text: done.text };
}

async function mobilePasskey(plan: RegistrationPlan): Promise<Answer> {
  const started = await call(server, 'POST', '/api/v1/mobile/passkeys/options', { pin: AMINAH.pin }, deviceAuth);
  if (started.status !== 200) return asAnswer(started);
  const registration = plannedRegistration(RP, started.body.options.challenge, plan);
  const res = asAnswer(await call(server, 'POST', '/api/v1/mobile/passkeys', { challengeId: started.body.challengeId, credential: registration }, deviceAuth));
  // Keep under the officer's passkey limit (PASSKEYS_MAX), so later runs are not refused before their ceremony is read.
  const { passkeys } = server.services.db.t;
  if (res.status === 201) await server.services.db.orm.delete(passkeys).where(eq(passkeys.credentialId, registration.id));
  return res;
}

/** What the unchanged signature verifies as: who signed, and when. */
let genuineReport: string;
const signerOf = (text: string) => {
  const report = JSON.parse(text) as { signer?: unknown; signedAt?: unknown };
  return JSON.stringify([report.signer, report.signedAt]);
};

/**
 * A CMS carries parts no signature covers (its version numbers, the certificates set: the chain is
 * RoamSign's own). A change there may still verify, but never as another signer or time.
 */
async function verifyCms(signature: string, withContent: boolean, changed = false): Promise<Answer> {
  const res = asAnswer(await call(server, 'POST', '/api/v1/verify', withContent ? { signature, content: Buffer.from(documentBytes('STH-FUZZ')).toString('base64') } : { signature, digest: await documentDigest(FIELDS) }));
  const verified = res.status === 200 && (JSON.parse(res.text) as { valid?: boolean }).valid === true;
  return changed && verified && signerOf(res.text) !== genuineReport ? { status: -200, text: `a changed CMS verified as another signer or time: ${res.text.slice(0, 200)}` } : res;
}

async function approval(cms: string, of: SignedDocument = signed, fields: Record<string, string> = FIELDS, changed = false): Promise<Answer> {
  const body = {
    rule: 'sth-lulus',
    officer: AMINAH.nric,
    document: { digest: await documentDigest(fields) },
    signature: { requestId: of.requestId, documentId: of.documentId, cms },
    tokenOfficers: { policy: 'refuse' },
    maxAgeSeconds: 600,
  };
  const res = asAnswer(await call(server, 'POST', '/api/v1/approvals', body, approvalsAuth));
  return changed && res.text.includes('"decision":"pass"') ? { status: -200, text: `a changed CMS passed: ${res.text}` } : res;
}

describe('fuzzing the structures inside passkey ceremonies and CMS signatures', () => {
  it('the unchanged structures are accepted: the builders make real ceremonies and the fuzz starts from valid input', async () => {
    expect((await completePasskey(NONE)).status).toBe(200);
    expect((await portalSignIn(NONE)).status).toBe(200);
    const registered = await mobilePasskey({ clientData: { kind: 'none' }, authData: { kind: 'none' }, attestation: { kind: 'none' } });
    expect(registered.status, registered.text).toBe(201);
    const verified = (await verifyCms(signed.signature, false)).text;
    expect((JSON.parse(verified) as { valid: boolean }).valid).toBe(true);
    genuineReport = signerOf(verified);
    const decision = JSON.parse((await approval(signed.signature)).text) as { allow: boolean; reason?: string };
    expect(decision, JSON.stringify(decision)).toMatchObject({ decision: 'pass' });
  });

  it(`changed clientDataJSON / authenticatorData in assertions: complete-passkey and /portal/sign-in/passkey never 5xx (seed ${SEED})`, async () => {
    const failures = [
      ...(await fuzz('complete-passkey', samples(assertionPlan, 1), completePasskey, [200])),
      // Anonymous ceremonies are limited per address (ANONYMOUS_CEREMONIES_PER_ADDRESS): stay under it, so each run reaches the checks.
      ...(await fuzz('portal sign-in passkey', samples(assertionPlan, 2).slice(0, ANONYMOUS_CEREMONIES_PER_ADDRESS - 2), portalSignIn, [200])),
    ];
    expect(failures.slice(0, 10), `seed ${SEED}: ${failures.length} failures`).toEqual([]);
    // The runs reach the server's own checks, not only the schema: several distinct refusals.
    const codes = [...(statusesOf.get('complete-passkey')?.keys() ?? [])];
    expect(codes.filter((k) => k.startsWith('4')).length).toBeGreaterThanOrEqual(4);
  }, 300_000);

  it(`changed attestation objects (CBOR, COSE key, authenticatorData, clientDataJSON): /api/v1/mobile/passkeys never 5xx (seed ${SEED})`, async () => {
    const failures = await fuzz('mobile passkeys', samples(registrationPlan, 3), mobilePasskey, [201]);
    expect(failures.slice(0, 10), `seed ${SEED}: ${failures.length} failures`).toEqual([]);
    expect([...(statusesOf.get('mobile passkeys')?.keys() ?? [])].filter((k) => k.startsWith('4')).length).toBeGreaterThanOrEqual(2);
  }, 120_000);

  it(`CMS DER cut at its joints, bits flipped, lengths, tags, OIDs and integers replaced: /api/v1/verify and /api/v1/approvals never 5xx (seed ${SEED})`, async () => {
    const edits = samples(fc.tuple(cmsEdits, fc.boolean()), 4);
    const failures = [
      ...(await fuzz('verify', edits, ([e, withContent]) => verifyCms(editedCms(signed.signature, e), withContent, editedCms(signed.signature, e) !== signed.signature), [200])),
      // RoamSign compares the posted CMS with the one it stored before it parses it: a changed one is signature_mismatch.
      ...(await fuzz('approvals', edits, ([e]) => approval(editedCms(fuzzSigned.signature, e), fuzzSigned, FUZZ_FIELDS, editedCms(fuzzSigned.signature, e) !== fuzzSigned.signature), [200])),
    ];
    expect(failures.slice(0, 10), `seed ${SEED}: ${failures.length} failures`).toEqual([]);
    // A changed signature is refused by the gate's question, never let through.
    const approvals = [...(statusesOf.get('approvals')?.keys() ?? [])];
    expect(approvals.length).toBeGreaterThan(0);
    // Refusals, or a pass where the edits left the bytes as they were (the first such use; later ones are replays).
    expect(approvals.every((k) => k === '200' || (k.startsWith('200 ') && (APPROVAL_REFUSALS as readonly string[]).includes(k.slice(4)))), approvals.join(', ')).toBe(true);
    expect(approvals).toContain('200 signature_mismatch');
    // /verify parses every one: some are not CMS at all (400), some parse and do not verify (a report).
    const verified = [...(statusesOf.get('verify')?.keys() ?? [])];
    expect(verified).toContain('200 valid=false');
    expect(verified).toContain('400 bad_request');
  }, 120_000);
});
