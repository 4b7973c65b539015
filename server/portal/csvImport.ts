import crypto from 'node:crypto';
import { RoamSignError } from '../../shared/errors.js';
import type { PortalDeps } from './deps.js';
import { registerOfficer, normaliseNric, type Actor, type RejectReason } from './adminPortal.js';

/** The rollout's registration template, as CSV. */
export const CSV_HEADER = ['nric', 'name', 'email', 'agency', 'accounting_office', 'system'] as const;
export const CSV_MAX_ROWS = 5000;

export interface ImportRow {
  /** 1-based line number of the data row (the header is row 1). */
  row: number;
  nric: string;
  status: 'created' | 'updated' | 'rejected';
  reason: RejectReason | 'bad_row' | null;
}

/** RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF; blank lines skipped. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let field = '';
  let row: string[] = [];
  let quoted = false;
  const input = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < input.length; i++) {
    const ch = input[i]!;
    if (quoted) {
      if (ch === '"' && input[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && input[i + 1] === '\n') i++;
      row.push(field);
      if (row.some((f) => f.trim() !== '')) rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  row.push(field);
  if (row.some((f) => f.trim() !== '')) rows.push(row);
  return rows;
}

/**
 * Imports officers from the template, one registration per row (the same as the form), and
 * reports each row. Used by the admin portal and `npm run roamsign -- import-officers`.
 */
export async function importOfficers(deps: PortalDeps, actor: Actor, csv: string): Promise<ImportRow[]> {
  const rows = parseCsv(csv);
  const header = rows.shift()?.map((h) => h.trim().toLowerCase());
  if (!header || header.join(',') !== CSV_HEADER.join(',')) {
    throw new RoamSignError('bad_request', { reason: 'bad_csv_header', expected: CSV_HEADER.join(',') });
  }
  if (rows.length > CSV_MAX_ROWS) throw new RoamSignError('bad_request', { reason: 'csv_too_large', maxRows: CSV_MAX_ROWS });
  const seen = new Set<string>();
  const report: ImportRow[] = [];
  // The batch names this import's officers, so the console can re-send to its unverified ones.
  const importBatch = `imp_${crypto.randomBytes(6).toString('base64url')}`;
  for (const [index, fields] of rows.entries()) {
    const row = index + 2;
    const [nric = '', name = '', email = '', agency = '', accountingOffice = '', system = ''] = fields;
    if (fields.length !== CSV_HEADER.length) {
      report.push({ row, nric: nric.trim(), status: 'rejected', reason: 'bad_row' });
      continue;
    }
    const key = normaliseNric(nric);
    if (key && seen.has(key)) {
      report.push({ row, nric: key, status: 'rejected', reason: 'duplicate_in_file' });
      continue;
    }
    if (key) seen.add(key);
    const outcome = await registerOfficer(deps, actor, { nric, name, email, agencyCode: agency, accountingOffice, system, importBatch });
    report.push({ row, nric: outcome.nric, status: outcome.status, reason: outcome.status === 'rejected' ? outcome.reason : null });
  }
  await deps.audit.append({
    actor: actor.label,
    action: 'officers.imported',
    subject: null,
    details: { batch: importBatch, rows: report.length, created: report.filter((r) => r.status === 'created').length, rejected: report.filter((r) => r.status === 'rejected').length },
  });
  return report;
}
