import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCheckpointer } from '../../../server/db/checkpointer.js';
import { openDb } from '../../../server/db/database.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('WAL checkpointer', () => {
  it('moves committed pages into the database file from its own thread', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roamsign-ckpt-'));
    const file = path.join(dir, 'db.sqlite');
    const db = await openDb(file);
    const sqlite = db.sqlite!;
    const checkpointer = startCheckpointer(sqlite, file);
    try {
      // Far below the server connection's own automatic checkpoint while the worker runs.
      expect(sqlite.pragma('wal_autocheckpoint', { simple: true })).toBeGreaterThan(1000);
      sqlite.exec('create table blobs (b blob)');
      const before = fs.statSync(file).size;
      const insert = sqlite.prepare('insert into blobs values (?)');
      sqlite.transaction(() => {
        for (let i = 0; i < 50; i++) insert.run(crypto.randomBytes(4000));
      })();
      const deadline = Date.now() + 5000;
      while (fs.statSync(file).size <= before && Date.now() < deadline) await sleep(50);
      expect(fs.statSync(file).size).toBeGreaterThan(before + 50 * 4000);
      expect(((await db.get('select count(*) as n from blobs')) as { n: number }).n).toBe(50);
    } finally {
      checkpointer.stop();
      await db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
