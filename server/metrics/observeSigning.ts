import { eq } from 'drizzle-orm';
import { RoamSignError } from '../../shared/errors.js';
import type { CompletedSigningRequest, CreatedSigningRequest } from '../../shared/schemas/signingRequest.js';
import type { Db } from '../db/database.js';
import { isRegisteredSystem } from '../registry/systems.js';
import { codeLabel, type Metrics } from './metrics.js';

/**
 * The signing verbs, counted and timed (issue 24), around their calls in the routes: the verbs
 * (server/signing/*) know nothing of metrics. A system label is only ever a registered system's id.
 */
export interface SigningObserver {
  create(system: string, run: () => Promise<CreatedSigningRequest>): Promise<CreatedSigningRequest>;
  resend<T>(run: () => Promise<T>): Promise<T>;
  complete(factor: 'otp' | 'passkey', id: string, run: () => Promise<CompletedSigningRequest>): Promise<CompletedSigningRequest>;
}

/** Metrics off: each verb just runs. */
export const unobserved: SigningObserver = {
  create: (_system, run) => run(),
  resend: (run) => run(),
  complete: (_factor, _id, run) => run(),
};

/** Requests created here remembered with their system, so a completion needs no read (bounded, oldest dropped). */
const REMEMBERED = 10_000;

/** The system a request was made for, for a label ('unknown' when the id names none). */
async function readSystem(db: Db, id: string): Promise<string> {
  const { signingRequests } = db.t;
  const [row] = await db.orm.select({ system: signingRequests.system }).from(signingRequests).where(eq(signingRequests.id, id));
  return row?.system ?? 'unknown';
}

const codeOf = (error: unknown) => codeLabel(error instanceof RoamSignError ? error.code : undefined);

export function observeSigning(deps: { db: Db; metrics: Metrics }): SigningObserver {
  const { db, metrics } = deps;
  const systems = new Map<string, string>();
  const remember = (id: string, system: string) => {
    systems.set(id, system);
    if (systems.size > REMEMBERED) systems.delete(systems.keys().next().value!);
  };
  // Another node (PostgreSQL) or an earlier process may have created it: then one primary-key read.
  const systemOf = async (id: string) => systems.get(id) ?? readSystem(db, id);

  return {
    async create(system, run) {
      const stop = metrics.createSeconds.startTimer();
      try {
        const created = await run();
        stop({ outcome: 'created' });
        metrics.signingCreated.inc({ system });
        remember(created.id, system);
        return created;
      } catch (error) {
        stop({ outcome: 'refused' });
        const code = codeOf(error);
        if (code === 'rate_limited') metrics.budgetRefusals.inc({ verb: 'create' });
        const known = (await isRegisteredSystem(db, system).catch(() => false)) ? system : 'unknown';
        metrics.signingFailed.inc({ system: known, stage: 'create', factor: 'none', code });
        throw error;
      }
    },
    async resend(run) {
      try {
        return await run();
      } catch (error) {
        if (codeOf(error) === 'rate_limited') metrics.budgetRefusals.inc({ verb: 'resend' });
        throw error;
      }
    },
    async complete(factor, id, run) {
      const stop = metrics.completeSeconds.startTimer({ factor });
      try {
        const done = await run();
        stop({ outcome: 'signed' });
        const system = await systemOf(id);
        metrics.signingCompleted.inc({ system, factor });
        metrics.documentsSigned.inc({ system }, done.signatures.length);
        return done;
      } catch (error) {
        stop({ outcome: 'refused' });
        metrics.signingFailed.inc({ system: await systemOf(id).catch(() => 'unknown'), stage: 'complete', factor, code: codeOf(error) });
        throw error;
      }
    },
  };
}
