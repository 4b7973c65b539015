import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../server/db/database.js';
import { giveBackHits } from '../../../server/limits/giveBackHits.js';
import { sweepHits } from '../../../server/limits/sweepHits.js';
import { takeHits } from '../../../server/limits/takeHits.js';
import { openTestDb } from '../../helpers/testServices.js';

const HOUR = 60 * 60 * 1000;
const T0 = Date.UTC(2026, 11, 1, 8, 0, 0);
let dir: string;
let db: Db;
beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roamsign-hits-'));
  db = await openTestDb(dir);
});
afterEach(async () => {
  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const bucket = (key: string, limit = 3) => ({ key, limit, windowMs: HOUR });

describe('takeHits: a sliding window, counted before the act', () => {
  it('allows `limit` hits in any window, says when the next one frees, and frees it exactly then', async () => {
    expect(await takeHits(db, [bucket('a')], T0)).toMatchObject({ ok: true });
    expect(await takeHits(db, [bucket('a')], T0 + 10 * 60_000)).toMatchObject({ ok: true });
    expect(await takeHits(db, [bucket('a')], T0 + 20 * 60_000)).toMatchObject({ ok: true });
    const full = await takeHits(db, [bucket('a')], T0 + 30 * 60_000);
    expect(full).toEqual({ ok: false, key: 'a', limit: 3, retryAfterMs: 30 * 60_000, retryAt: T0 + HOUR });
    // The window is the last hour: the first hit still counts 1 ms before T0 + 1 h, no more at T0 + 1 h.
    expect((await takeHits(db, [bucket('a')], T0 + HOUR - 1)).ok).toBe(false);
    expect((await takeHits(db, [bucket('a')], T0 + HOUR)).ok).toBe(true);
    expect((await takeHits(db, [bucket('a')], T0 + HOUR + 1)).ok).toBe(false);
  });

  it('takes from every bucket or from none', async () => {
    for (let i = 0; i < 3; i++) expect((await takeHits(db, [bucket('full')], T0)).ok).toBe(true);
    const refused = await takeHits(db, [bucket('free'), bucket('full')], T0);
    expect(refused).toMatchObject({ ok: false, key: 'full' });
    const left = await db.get<{ n: number }>('select count(*) as n from limit_hits where key = ?', 'free');
    expect(Number(left!.n)).toBe(0);
  });

  it('of 30 concurrent takers exactly `limit` get a hit, on either database', async () => {
    const results = await Promise.all(Array.from({ length: 30 }, () => takeHits(db, [bucket('race', 5)], T0)));
    expect(results.filter((r) => r.ok)).toHaveLength(5);
    const stored = await db.get<{ n: number }>('select count(*) as n from limit_hits where key = ?', 'race');
    expect(Number(stored!.n)).toBe(5);
  });

  it('a hit given back frees its place at once; the sweep drops hits no window sees', async () => {
    const taken = [];
    for (let i = 0; i < 3; i++) taken.push(await takeHits(db, [bucket('b')], T0));
    expect((await takeHits(db, [bucket('b')], T0)).ok).toBe(false);
    const first = taken[0]!;
    if (!first.ok) throw new Error('expected a hit');
    await giveBackHits(db, first.ids);
    expect((await takeHits(db, [bucket('b')], T0)).ok).toBe(true);
    expect(await sweepHits(db, T0 + HOUR)).toBe(0);
    expect(await sweepHits(db, T0 + HOUR + 1)).toBe(3);
  });
});
