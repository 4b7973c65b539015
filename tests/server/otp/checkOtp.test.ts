import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RoamSignError } from '../../../shared/errors.js';
import { createAuditLog, type AuditLog } from '../../../server/audit/auditLog.js';
import type { Db } from '../../../server/db/database.js';
import { checkOtp, consumeOtp, type OtpDeps } from '../../../server/otp/checkOtp.js';
import { hashOtp, OTP_MAX_ATTEMPTS } from '../../../server/otp/otp.js';
import { ensureSystems } from '../../../server/registry/systems.js';
import { openTestDb } from '../../helpers/testServices.js';

// The OTP rule of server/otp/checkOtp.ts, on a real database (SQLite, or PostgreSQL in the postgres project).
const T0 = Date.UTC(2026, 11, 1, 8, 0, 0);
const TTL_MS = 120_000;
const NRIC = '800101015555';
const OTP = '123456';
const WRONG = '654321';

let dir: string;
let db: Db;
let audit: AuditLog;
let clock: number;
let deps: OtpDeps;
const otpKey = crypto.randomBytes(32);

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roamsign-checkotp-'));
  db = await openTestDb(dir);
  clock = T0;
  audit = createAuditLog({ db, key: crypto.randomBytes(32), now: () => clock });
  deps = { db, audit, otpKey, now: () => clock };
  await ensureSystems(db, []);
  await db.orm.insert(db.t.agencies).values({ code: '1009', name: 'JANM Negeri Perlis' });
  await db.orm.insert(db.t.officers).values({
    nric: NRIC,
    name: 'Aminah binti Abdullah',
    email: 'aminah@anm.gov.my',
    phone: '+60123456788',
    agencyCode: '1009',
    media: ['roaming'],
    emailVerifiedAt: T0,
    officeAddress: 'Jabatan Akauntan Negara Malaysia',
    accountingOffice: '1009',
    system: 'igfmas',
    lastActivityAt: T0,
    createdAt: T0,
  });
});
afterEach(async () => {
  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function pendingRequest(id = `sr_${crypto.randomBytes(8).toString('hex')}`) {
  const row = {
    id,
    nric: NRIC,
    system: 'igfmas',
    origin: null,
    documents: [{ id: 'd1', digest: crypto.createHash('sha256').update('d1').digest('base64') }],
    channel: 'email' as const,
    destination: 'a***@anm.gov.my',
    verificationCode: 'ABCD',
    status: 'pending' as const,
    otpHash: hashOtp(otpKey, id, OTP),
    otpExpiresAt: T0 + TTL_MS,
    lastOtpSentAt: T0,
    createdAt: T0,
  };
  await db.orm.insert(db.t.signingRequests).values(row);
  return row;
}

async function stored(id: string) {
  const [row] = await db.orm.select().from(db.t.signingRequests).where(eq(db.t.signingRequests.id, id));
  return row!;
}

async function refusal(promise: Promise<unknown>): Promise<RoamSignError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RoamSignError);
  return error as RoamSignError;
}

describe('checkOtp: the OTP rule', () => {
  it('refuses an OTP from its expiry on (otp_expired), without spending a try', async () => {
    const request = await pendingRequest();
    clock = T0 + TTL_MS - 1;
    expect((await checkOtp(deps, request, OTP)).outcome).toBe('right');
    clock = T0 + TTL_MS;
    expect((await refusal(checkOtp(deps, request, OTP))).code).toBe('otp_expired');
    expect((await stored(request.id)).otpAttempts).toBe(1);
  });

  it('counts the try before comparing; a right OTP can give its try back (a wrong PIN)', async () => {
    const request = await pendingRequest();
    const check = await checkOtp(deps, request, OTP);
    if (check.outcome !== 'right') throw new Error(`expected a right OTP, got ${check.outcome}`);
    expect(check.consumedHash).toBe(hashOtp(otpKey, request.id, OTP));
    expect((await stored(request.id)).otpAttempts).toBe(1);
    await check.giveTryBack();
    expect((await stored(request.id)).otpAttempts).toBe(0);
  });

  it('gives 3 tries: otp_invalid with what is left, then the 3rd wrong one fails the request and forgets its OTP', async () => {
    const request = await pendingRequest();
    let exhausted = 0;
    const hooks = { onExhausted: () => void exhausted++ };
    expect(await refusal(checkOtp(deps, request, WRONG, hooks))).toMatchObject({ code: 'otp_invalid', details: { attemptsLeft: 2 } });
    expect(await refusal(checkOtp(deps, request, WRONG, hooks))).toMatchObject({ code: 'otp_invalid', details: { attemptsLeft: 1 } });
    expect(exhausted).toBe(0);
    expect((await refusal(checkOtp(deps, request, WRONG, hooks))).code).toBe('otp_attempts_exceeded');
    expect(exhausted).toBe(1);
    const after = await stored(request.id);
    expect(after).toMatchObject({ status: 'failed', failureCode: 'otp_attempts_exceeded', otpHash: null, otpAttempts: OTP_MAX_ATTEMPTS });
    // The right OTP is no use now: no try is left on a failed request.
    expect((await checkOtp(deps, request, OTP)).outcome).toBe('no_try_free');
    const wrongs = (await db.orm.select().from(db.t.auditLog).where(eq(db.t.auditLog.action, 'otp.wrong'))).length;
    expect(wrongs).toBe(3);
  });

  it('compares at most 3 of any number of concurrent guesses; the others find no try free', async () => {
    const request = await pendingRequest();
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, () =>
        checkOtp(deps, request, WRONG).then(
          (check) => check.outcome,
          (error: RoamSignError) => error.code,
        ),
      ),
    );
    const compared = outcomes.filter((o) => o === 'otp_invalid' || o === 'otp_attempts_exceeded');
    expect(compared).toHaveLength(OTP_MAX_ATTEMPTS);
    expect(outcomes.filter((o) => o === 'otp_attempts_exceeded')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'no_try_free')).toHaveLength(12 - OTP_MAX_ATTEMPTS);
    expect((await stored(request.id)).status).toBe('failed');
  });

  it('holds back even the right OTP while every try is held by others', async () => {
    const request = await pendingRequest();
    await db.orm.update(db.t.signingRequests).set({ otpAttempts: OTP_MAX_ATTEMPTS }).where(eq(db.t.signingRequests.id, request.id));
    expect((await checkOtp(deps, request, OTP)).outcome).toBe('no_try_free');
    expect((await stored(request.id)).status).toBe('pending');
  });

  it('consumes an OTP once: the first consumption wins, a repeat or a replaced OTP does not', async () => {
    const request = await pendingRequest();
    const consumedHash = hashOtp(otpKey, request.id, OTP);
    const then = { status: 'signing' as const, signingUntil: T0 + 10_000, otpExpiresAt: T0 + TTL_MS };
    const both = await Promise.all([consumeOtp(db, { id: request.id, consumedHash, then }), consumeOtp(db, { id: request.id, consumedHash, then })]);
    expect(both.filter(Boolean)).toHaveLength(1);
    expect(await stored(request.id)).toMatchObject({ status: 'signing', otpHash: null, consumedOtpHash: consumedHash, signingUntil: T0 + 10_000 });

    const resent = await pendingRequest();
    await db.orm.update(db.t.signingRequests).set({ otpHash: hashOtp(otpKey, resent.id, '000111') }).where(eq(db.t.signingRequests.id, resent.id));
    expect(await consumeOtp(db, { id: resent.id, consumedHash: hashOtp(otpKey, resent.id, OTP), then })).toBe(false);
    expect((await stored(resent.id)).status).toBe('pending');
  });
});
