import type { AuditLog } from '../audit/auditLog.js';
import type { Metrics } from './metrics.js';

/**
 * The audit log as the events seam: entries that are also operational events (PIN lock-outs) are
 * counted as they are appended (approval decisions are counted by their route: refusals are
 * aggregated in the audit log). Only the action and a reason code are
 * read; never the actor or the subject (MyKad numbers).
 */
export function observeAudit(audit: AuditLog, metrics: Metrics): AuditLog {
  return {
    ...audit,
    async append(entry) {
      await audit.append(entry);
      if (entry.action === 'pin.locked') metrics.pinLockouts.inc();
    },
  };
}
