import { expect } from 'vitest';
import { AMINAH, call, createRequest, latestOtp, makeDocument } from '../../helpers/api.js';
import type { TestServer } from '../../helpers/testServices.js';

export const DAY_MS = 24 * 60 * 60 * 1000;

/** Creates and completes one signing request as `officer`; returns the completion body. */
export async function signAs(server: TestServer, officer: { nric: string; pin: string } = AMINAH, documentId = 'STH-2026-000123') {
  const created = await createRequest(server, { nric: officer.nric, documents: [makeDocument(documentId)] });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const otp = await latestOtp(server, created.body.id, officer.nric);
  const done = await call(server, 'POST', `/api/v1/signing-requests/${created.body.id}/complete`, { pin: officer.pin, otp });
  expect(done.status, JSON.stringify(done.body)).toBe(200);
  return done.body as { signatures: { documentId: string; signature: string; certificateSerial: string }[] };
}

export async function officerRow(server: TestServer, nric: string) {
  return (await server.services.db.get('select status, agency_code as "agencyCode", last_activity_at as "lastActivityAt" from officers where nric = ?', nric)) as {
    status: string;
    agencyCode: string;
    lastActivityAt: number | null;
  };
}

export async function certificatesOf(server: TestServer, nric: string) {
  return (await server.services.db.all('select serial, revoked_at as "revokedAt", revocation_reason as reason from certificates where nric = ? order by created_at', nric)) as { serial: string; revokedAt: number | null; reason: string | null }[];
}

export async function auditCount(server: TestServer): Promise<number> {
  return ((await server.services.db.get('select count(*) as n from audit_log')) as { n: number }).n;
}

export async function auditActions(server: TestServer, action: string) {
  return ((await server.services.db.all('select actor, subject, details from audit_log where action = ? order by seq', action)) as { actor: string; subject: string; details: string }[]).map(
    (r) => ({ ...r, details: JSON.parse(r.details) as Record<string, unknown> }),
  );
}

/** Every row the lifecycle touches, to assert that something changed nothing. */
export async function snapshot(server: TestServer) {
  const { db } = server.services;
  return {
    officers: await db.all('select * from officers order by nric'),
    certificates: await db.all('select serial, revoked_at, revocation_reason from certificates order by serial'),
    movements: await db.all('select * from movements order by id'),
    audit: await auditCount(server),
  };
}

export async function addAgency(server: TestServer, code: string, name: string): Promise<void> {
  await server.services.db.run('insert into agencies (code, name) values (?, ?)', code, name);
}
