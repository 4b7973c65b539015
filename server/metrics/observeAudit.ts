import type { AuditLog } from '../audit/auditLog.js';
import type { Metrics } from './metrics.js';

/** A reason from an audit entry's details, for a label: a short snake_case word, else `other`. */
function reasonLabel(value: unknown): string {
  return typeof value === 'string' && /^[a-z_]{1,40}$/.test(value) ? value : 'other';
}

/**
 * The audit log as the events seam: entries that are also operational events (PIN lock-outs,
 * approval decisions) are counted as they are appended. Only the action and a reason code are
 * read; never the actor or the subject (MyKad numbers).
 */
export function observeAudit(audit: AuditLog, metrics: Metrics): AuditLog {
  return {
    ...audit,
    async append(entry) {
      await audit.append(entry);
      if (entry.action === 'pin.locked') metrics.pinLockouts.inc();
      else if (entry.action === 'approval.passed') metrics.approvalDecisions.inc({ decision: 'passed', reason: reasonLabel(entry.details?.medium) });
      else if (entry.action === 'approval.refused') metrics.approvalDecisions.inc({ decision: 'refused', reason: reasonLabel(entry.details?.reason) });
    },
  };
}
