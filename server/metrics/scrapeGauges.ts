import type { CertificateAuthority } from '../ca/certificateAuthority.js';
import type { Db } from '../db/database.js';
import type { Metrics } from './metrics.js';

/** Gauges read when Prometheus scrapes: the current CRL (number, age, next update) and the PostgreSQL pool. */
export function scrapeGauges(deps: { metrics: Metrics; ca: CertificateAuthority; db: Db; now: () => number }): void {
  const { metrics, ca, db, now } = deps;
  metrics.onScrape(async () => {
    const crl = await ca.currentCrl();
    metrics.crlNumber.set(crl.number);
    metrics.crlThisUpdate.set(crl.thisUpdate.getTime() / 1000);
    metrics.crlNextUpdate.set(crl.nextUpdate.getTime() / 1000);
    metrics.crlAge.set(Math.max(0, (now() - crl.thisUpdate.getTime()) / 1000));
  });
  const pool = db.pool;
  if (pool) {
    metrics.onScrape(() => {
      metrics.dbPool.set({ state: 'total' }, pool.totalCount);
      metrics.dbPool.set({ state: 'idle' }, pool.idleCount);
      metrics.dbPool.set({ state: 'waiting' }, pool.waitingCount);
    });
  }
}
