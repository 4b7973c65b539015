import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditDetail, hasAuditDetailLabel, labels } from '../../../shared/i18n/labels.js';
import { formatMalaysiaTime } from '../../../shared/time.js';

// Issue 23 item 5: every audit event kind the server writes has a label, and every detail key a
// label; values read as words. The kinds and keys are walked in the server's own source, so a new
// event or key without words fails here.

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}
const code = sources('server').map((file) => fs.readFileSync(file, 'utf8'));

/** Every action written: literals, defaults (`action ?? 'pin.wrong'`), and passkey.${change} with its changes. */
function auditActions(): string[] {
  const actions = new Set<string>();
  for (const text of code) {
    for (const m of text.matchAll(/action(?::| \?\?) '([a-z_]+\.[a-z_.]+)'/g)) actions.add(m[1]!);
    if (text.includes('action: `passkey.${change}`')) for (const m of text.matchAll(/change: ([^)]*)\)/g)) for (const v of m[1]!.matchAll(/'([a-z_]+)'/g)) actions.add(`passkey.${v[1]}`);
  }
  return [...actions].sort();
}

/** Every key of a `details: { … }` literal in an audit.append call. */
function detailKeys(): string[] {
  const keys = new Set<string>();
  for (const text of code) {
    for (const m of text.matchAll(/audit\.append\(\{[^;]*?details: \{([^}]*)\}/gs)) {
      for (const part of m[1]!.split(',')) {
        const key = /^\s*(\.\.\.)?([A-Za-z_]+)/.exec(part);
        if (key && !key[1]) keys.add(key[2]!);
      }
    }
  }
  return [...keys].sort();
}

describe('the audit log in words', () => {
  it('walks a real set of kinds and keys (the scan finds them)', () => {
    expect(auditActions()).toEqual(expect.arrayContaining(['request.created', 'otp.sent', 'pin.wrong', 'passkey.removed', 'passkey.revoked', 'limits.reset']));
    expect(detailKeys()).toEqual(expect.arrayContaining(['system', 'origin', 'client', 'caller', 'documents']));
  });

  it('every event kind has a label in both languages', () => {
    for (const action of auditActions()) {
      expect(labels.auditAction('ms', action), action).not.toBe(action);
      expect(labels.auditAction('en', action), action).not.toBe(action);
    }
  });

  it('every detail key has a label', () => {
    const missing = detailKeys().filter((key) => !hasAuditDetailLabel(key));
    expect(missing).toEqual([]);
  });

  it("a signing request's details read as words: no raw key, no null, callers named", () => {
    const details = { system: 'igfmas', origin: 'https://igfmas.anm.gov.my', client: null, caller: 'device', documents: 1 };
    const text = Object.entries(details).map(([k, v]) => auditDetail('ms', k, v)).join('; ');
    expect(text).toBe('Sistem: igfmas; Laman asal: https://igfmas.anm.gov.my; Klien sistem: —; Pemanggil: pelayar yang pernah menandatangani; Dokumen: 1');
    expect(auditDetail('en', 'caller', 'unknown')).toBe('Caller: a browser or caller not known yet');
    expect(auditDetail('en', 'wasLocked', true)).toBe('Was locked: yes');
    const at = Date.UTC(2026, 11, 7, 21, 21, 12);
    expect(auditDetail('ms', 'effectiveAt', new Date(at).toISOString())).toBe(`Berkuat kuasa: ${formatMalaysiaTime('ms', at, { seconds: true })}`);
  });
});
