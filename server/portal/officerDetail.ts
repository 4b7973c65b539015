import { desc, eq } from 'drizzle-orm';
import { RoamSignError } from '../../shared/errors.js';
import type { Officer } from '../registry/officers.js';
import type { PortalDeps } from './deps.js';
import { auditFor, officerInScope, type Actor, type AuditRow } from './adminPortal.js';
import type { Application } from './officerPortal.js';

/** One officer as the console's detail page shows them: everything an administrator decides on. */
export interface OfficerDetail {
  officer: Officer;
  agencyName: string;
  certificates: { serial: string; notBefore: number; notAfter: number; revokedAt: number | null; revocationReason: string | null }[];
  devices: { id: string; platform: string; label: string; status: string; registeredAt: number; deactivatedAt: number | null }[];
  movements: { id: string; kind: string; effectiveAt: number; fromAgencyCode: string; toAgencyCode: string | null; appliedAt: number | null }[];
  applications: Application[];
  audit: AuditRow[];
}

/** What may be done to the officer now: the console offers only these (issue 13). */
export interface OfficerActions {
  resend: boolean;
  unlock: boolean;
  revoke: boolean;
  reactivate: boolean;
  movement: boolean;
}

export function actionsFor(detail: Pick<OfficerDetail, 'officer' | 'certificates'>, now: number): OfficerActions {
  const { officer } = detail;
  return {
    resend: officer.emailVerifiedAt === null,
    unlock: officer.pinLockedAt !== null,
    revoke: detail.certificates.some((c) => c.revokedAt === null && c.notAfter > now),
    reactivate: officer.status === 'suspended',
    movement: officer.status === 'active' || officer.status === 'suspended',
  };
}

export async function officerDetail(deps: PortalDeps, actor: Actor, nric: string, auditLimit = 50): Promise<OfficerDetail> {
  const { db } = deps;
  const { agencies, applications, certificates, devices, movements } = db.t;
  const officer = await officerInScope(deps, actor, nric);
  const [agency] = await db.orm.select({ name: agencies.name }).from(agencies).where(eq(agencies.code, officer.agencyCode));
  const certs = await db.orm
    .select({ serial: certificates.serial, notBefore: certificates.notBefore, notAfter: certificates.notAfter, revokedAt: certificates.revokedAt, revocationReason: certificates.revocationReason })
    .from(certificates)
    .where(eq(certificates.nric, nric))
    .orderBy(desc(certificates.createdAt));
  const devs = await db.orm
    .select({ id: devices.id, platform: devices.platform, label: devices.label, status: devices.status, registeredAt: devices.registeredAt, deactivatedAt: devices.deactivatedAt })
    .from(devices)
    .where(eq(devices.nric, nric))
    .orderBy(desc(devices.registeredAt));
  const moves = await db.orm
    .select({ id: movements.id, kind: movements.kind, effectiveAt: movements.effectiveAt, fromAgencyCode: movements.fromAgencyCode, toAgencyCode: movements.toAgencyCode, appliedAt: movements.appliedAt })
    .from(movements)
    .where(eq(movements.nric, nric))
    .orderBy(desc(movements.effectiveAt));
  const apps = await db.orm.select().from(applications).where(eq(applications.nric, nric)).orderBy(desc(applications.createdAt)).limit(10);
  const audit = await auditFor(deps, actor, nric, auditLimit);
  return { officer, agencyName: agency?.name ?? officer.agencyCode, certificates: certs, devices: devs, movements: moves, applications: apps, audit };
}

/** One application with everything the approver needs (issue 13: no approving blind). */
export async function applicationDetail(deps: PortalDeps, actor: Actor, id: string): Promise<{ application: Application; officer: Officer; agencyName: string }> {
  const { db } = deps;
  const { agencies, applications } = db.t;
  const [application] = await db.orm.select().from(applications).where(eq(applications.id, id));
  if (!application) throw new RoamSignError('not_found');
  const officer = await officerInScope(deps, actor, application.nric);
  const [agency] = await db.orm.select({ name: agencies.name }).from(agencies).where(eq(agencies.code, officer.agencyCode));
  return { application, officer, agencyName: agency?.name ?? officer.agencyCode };
}
