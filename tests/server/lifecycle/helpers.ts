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

export function officerRow(server: TestServer, nric: string) {
  return server.services.db.$client.prepare('select status, agency_code as agencyCode, last_activity_at as lastActivityAt from officers where nric = ?').get(nric) as {
    status: string;
    agencyCode: string;
    lastActivityAt: number | null;
  };
}

export function certificatesOf(server: TestServer, nric: string) {
  return server.services.db.$client
    .prepare('select serial, revoked_at as revokedAt, revocation_reason as reason from certificates where nric = ? order by created_at')
    .all(nric) as { serial: string; revokedAt: number | null; reason: string | null }[];
}

export function auditCount(server: TestServer): number {
  return (server.services.db.$client.prepare('select count(*) as n from audit_log').get() as { n: number }).n;
}

export function auditActions(server: TestServer, action: string) {
  return (server.services.db.$client.prepare('select actor, subject, details from audit_log where action = ? order by seq').all(action) as { actor: string; subject: string; details: string }[]).map(
    (r) => ({ ...r, details: JSON.parse(r.details) as Record<string, unknown> }),
  );
}

/** Every row the lifecycle touches, to assert that something changed nothing. */
export function snapshot(server: TestServer) {
  const db = server.services.db.$client;
  return {
    officers: db.prepare('select * from officers order by nric').all(),
    certificates: db.prepare('select serial, revoked_at, revocation_reason from certificates order by serial').all(),
    movements: db.prepare('select * from movements order by id').all(),
    audit: auditCount(server),
  };
}

export function addAgency(server: TestServer, code: string, name: string): void {
  server.services.db.$client.prepare('insert into agencies (code, name) values (?, ?)').run(code, name);
}
