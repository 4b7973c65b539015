import { Hono } from 'hono';
import { html } from 'hono/html';
import { and, isNotNull, eq, sql } from 'drizzle-orm';
import { RoamSignError } from '../../shared/errors.js';
import { AUDIT_ACTIONS, auditDetail, labels } from '../../shared/i18n/labels.js';
import type { Lang } from '../../shared/i18n/index.js';
import { formatMalaysiaTime, malaysiaDayStart } from '../../shared/time.js';
import { systemName } from '../../shared/systems.js';
import { reactivate } from '../lifecycle/inactivity.js';
import { reinstateCertificate, suspendCertificate } from '../lifecycle/suspension.js';
import { applyDueMovements, MOVEMENT_KINDS, recordMovement, type MovementKind } from '../lifecycle/movements.js';
import {
  actorOf,
  approveApplication,
  findAdmin,
  officerInScope,
  rejectApplication,
  resendToUnverified,
  unverifiedOfficers,
  resendVerification,
  revokeCertificate,
  REVOCATION_REASONS,
  unlockPin,
  type Actor,
  type AdminRow,
  type AuditRow,
} from '../portal/adminPortal.js';
import { actorNames, adminsInScope, parseAuditFilter, queryAudit, type AuditFilter } from '../portal/auditQuery.js';
import { csrf, errorBox, field, formatTime, hidden, input, okNotice, page, select, type PortalContext, type PortalEnv } from '../portal/http.js';
import { actionsFor, applicationDetail, officerDetail } from '../portal/officerDetail.js';
import { listPasskeys } from '../passkeys/passkeyStore.js';
import { eachOfficer, officerConditions, parseOfficerQuery, searchOfficers, type OfficerQuery } from '../portal/officerSearch.js';
import { errorLines, tx, type TextKey } from '../portal/text.js';
import type { Services } from '../services.js';
import type { MiddlewareHandler } from 'hono';

const ADMIN = '/portal/admin';
type Body = Parameters<typeof page>[2];

/** CSV cell: quoted when needed, and never read as a formula by a spreadsheet (OWASP CSV injection). */
export function csvCell(value: string | number | null): string {
  let text = value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const csvLine = (cells: (string | number | null)[]) => `${cells.map(csvCell).join(',')}\r\n`;

/** The console's pages (issue 13): search, officer detail, confirmations, imports, applications, audit. */
export function consoleRoutes(services: Services, signedIn: MiddlewareHandler<PortalEnv>) {
  const L = (c: PortalContext) => c.get('lang');
  const adminOf = async (c: PortalContext): Promise<AdminRow> => {
    const admin = await findAdmin(services, c.get('session')!.subjectId);
    if (!admin) throw new RoamSignError('unauthorized');
    return admin;
  };
  const actor = async (c: PortalContext) => actorOf(await adminOf(c));
  const view = (c: PortalContext, title: string, body: Body, status = 200) => c.html(page(c, title, body, { admin: true }), status as 200);
  const nricParam = (c: PortalContext) => {
    const nric = (c.req.param('nric') ?? '').replace(/-/g, '');
    if (!/^\d{12}$/.test(nric)) throw new RoamSignError('bad_request', { reason: 'bad_nric' });
    return nric;
  };
  const toDetail = (c: PortalContext, nric: string, ok: string) => c.redirect(`${ADMIN}/officers/${nric}?ok=${ok}`, 303);
  const allAgencies = () => services.db.orm.select().from(services.db.t.agencies).orderBy(services.db.t.agencies.code);
  const agencyLabel = (code: string, names: Map<string, string>) => `${names.get(code) ?? code} (${code})`;

  /** A confirmation step: names the officer and the consequence; the same POST again with confirmed=yes acts. */
  const confirmPage = (c: PortalContext, o: { question: string; consequence: string; action: string; fields: Record<string, string>; button: string; cancel: string }) => {
    const lang = L(c);
    return view(
      c,
      tx(lang, 'confirmTitle'),
      html`<section aria-labelledby="confirm-q" id="confirm"><h2 id="confirm-q">${o.question}</h2><p id="confirm-consequence">${o.consequence}</p>
        <form method="post" action="${o.action}">${csrf(c)}${Object.entries(o.fields).map(([k, v]) => hidden(k, v))}${hidden('confirmed', 'yes')}
          <button type="submit" class="danger" id="confirm-yes">${o.button}</button> <a href="${o.cancel}" id="confirm-cancel">${tx(lang, 'confirmCancel')}</a>
        </form></section>`,
    );
  };
  const confirmed = (c: PortalContext) => field(c, 'confirmed') === 'yes';

  /** Issue 21: suspend (certificateHold) or reinstate the officer's newest certificate, confirmed first, audited. */
  const holdAction = async (c: PortalContext, verb: 'suspend' | 'reinstate') => {
    const lang = L(c);
    const nric = nricParam(c);
    const who = await actor(c);
    // In scope, or refused (officerDetail checks the administrator's agency).
    const d = await officerDetail(services, who, nric, 0);
    if (!confirmed(c)) {
      return confirmPage(c, {
        question: tx(lang, verb === 'suspend' ? 'confirmSuspend' : 'confirmReinstate', { name: d.officer.name, nric }),
        consequence: tx(lang, verb === 'suspend' ? 'consequenceSuspend' : 'consequenceReinstate'),
        action: `${ADMIN}/officers/${nric}/${verb}`,
        fields: {},
        button: tx(lang, verb === 'suspend' ? 'suspendCertificate' : 'reinstateCertificate'),
        cancel: `${ADMIN}/officers/${nric}`,
      });
    }
    if (verb === 'suspend') {
      if ((await suspendCertificate(services, nric, who.label)) !== 'suspended') throw new RoamSignError('not_found', { reason: 'no_certificate' });
      return toDetail(c, nric, 'suspended');
    }
    if ((await reinstateCertificate(services, nric, who.label)) !== 'reinstated') throw new RoamSignError('not_found', { reason: 'no_certificate' });
    return toDetail(c, nric, 'reinstated');
  };

  // ---- search --------------------------------------------------------------------------------

  const queryString = (q: OfficerQuery, overrides: Record<string, string | number | undefined> = {}) => {
    const params = new URLSearchParams();
    const all: Record<string, string | number | undefined> = { q: q.q, status: q.status, medium: q.medium, agency: q.agency, import: q.importBatch, sort: q.sort, dir: q.dir, ...overrides };
    for (const [k, v] of Object.entries(all)) if (v !== undefined && v !== '') params.set(k, String(v));
    const text = params.toString();
    return text ? `?${text}` : '';
  };

  const officersPage = async (c: PortalContext) => {
    const lang = L(c);
    const who = await actor(c);
    const query = parseOfficerQuery((n) => c.req.query(n));
    const found = await searchOfficers(services, who, query);
    const agencies = await allAgencies();
    const names = new Map(agencies.map((a) => [a.code, a.name]));
    const inScope = agencies.filter((a) => who.agencyCode === null || a.code === who.agencyCode);
    const opt = (value: string, label: string, selected: string | undefined) => html`<option value="${value}" ${value === (selected ?? '') ? html`selected` : ''}>${label}</option>`;
    const statusOptions: [string, string][] = [
      ['', tx(lang, 'anyValue')],
      ...(['active', 'suspended', 'retired', 'closed'] as const).map((s): [string, string] => [s, labels.officerStatus(lang, s)]),
      ['locked', tx(lang, 'statusLocked')],
      ['unverified', tx(lang, 'statusUnverified')],
    ];
    const sortOptions: [string, TextKey][] = [['name', 'sortName'], ['nric', 'sortNric'], ['email', 'sortEmail'], ['created', 'sortCreated']];
    return view(
      c,
      tx(lang, 'consoleOfficers'),
      html`${okNotice(c)}
        <form method="get" action="${ADMIN}/officers" class="filters" role="search" aria-label="${tx(lang, 'consoleOfficers')}">
          ${input(tx(lang, 'search'), 'q', { value: query.q ?? '', required: false, hint: tx(lang, 'searchHint'), maxlength: 200 })}
          <p><label for="f-status">${tx(lang, 'status')}</label><select id="f-status" name="status">${statusOptions.map(([v, l]) => opt(v, l, query.status))}</select></p>
          <p><label for="f-medium">${tx(lang, 'media')}</label><select id="f-medium" name="medium">${opt('', tx(lang, 'anyValue'), query.medium)}${(['roaming', 'token'] as const).map((m) => opt(m, labels.medium(lang, m), query.medium))}</select></p>
          <p><label for="f-agency">${tx(lang, 'agency')}</label><select id="f-agency" name="agency">${who.agencyCode === null ? opt('', tx(lang, 'anyValue'), query.agency) : ''}${inScope.map((a) => opt(a.code, `${a.name} (${a.code})`, query.agency))}</select></p>
          <p><label for="f-sort">${tx(lang, 'sortBy')}</label><select id="f-sort" name="sort">${sortOptions.map(([v, k]) => opt(v, tx(lang, k), query.sort ?? 'name'))}</select></p>
          <p><label for="f-dir">${tx(lang, 'direction')}</label><select id="f-dir" name="dir">${opt('asc', tx(lang, 'ascending'), query.dir ?? 'asc')}${opt('desc', tx(lang, 'descending'), query.dir)}</select></p>
          ${query.importBatch ? hidden('import', query.importBatch) : ''}
          <p><button type="submit">${tx(lang, 'search')}</button></p>
        </form>
        <p id="found" role="status">${tx(lang, found.capped ? 'foundMore' : 'found', { total: found.total.toLocaleString(lang === 'en' ? 'en-MY' : 'ms-MY') })}</p>
        <p><a href="${ADMIN}/officers.csv${queryString(query)}" id="export-csv">${tx(lang, 'exportCsv')}</a></p>
        ${found.rows.length
          ? html`<table id="officers"><caption>${pageLabel(lang, found)}</caption>
              <thead><tr><th scope="col">${tx(lang, 'nric')}</th><th scope="col">${tx(lang, 'name')}</th><th scope="col">${tx(lang, 'email')}</th><th scope="col">${tx(lang, 'agency')}</th><th scope="col">${tx(lang, 'media')}</th><th scope="col">${tx(lang, 'status')}</th></tr></thead>
              <tbody>${found.rows.map(
                (o) => html`<tr data-officer="${o.nric}"><td><a href="${ADMIN}/officers/${o.nric}">${o.nric}</a></td><td>${o.name}</td><td>${o.email} (${o.emailVerifiedAt ? tx(lang, 'verified') : tx(lang, 'notVerified')})</td>
                  <td>${agencyLabel(o.agencyCode, names)}</td><td>${o.media.map((m) => labels.medium(lang, m)).join(', ')}</td>
                  <td data-status="${o.status}">${labels.officerStatus(lang, o.status)}${o.pinLockedAt !== null ? html`, <strong>${tx(lang, 'locked')}</strong>` : ''}</td></tr>`,
              )}</tbody></table>
              <nav class="pager" aria-label="${pageLabel(lang, found)}">
                ${found.page > 1 ? html`<a rel="prev" href="${ADMIN}/officers${queryString(query, { page: found.page - 1 })}">${tx(lang, 'previous')}</a>` : ''}
                <span>${pageLabel(lang, found)}</span>
                ${found.more ? html`<a rel="next" href="${ADMIN}/officers${queryString(query, { page: found.page + 1 })}">${tx(lang, 'next')}</a>` : ''}
              </nav>`
          : html`<p>${tx(lang, 'noOfficers')}</p>`}
        ${query.status === 'locked' && found.total > 0
          ? html`<form method="post" action="${ADMIN}/officers/bulk-unlock${queryString(query)}" id="bulk-unlock">${csrf(c)}<button type="submit">${tx(lang, 'bulkUnlock')}</button></form>`
          : ''}`,
    );
  };

  // ---- officer detail ------------------------------------------------------------------------

  const auditTable = (lang: Lang, rows: AuditRow[], names: Map<string, string>, id = 'audit') =>
    rows.length
      ? html`<table id="${id}"><thead><tr><th scope="col">${tx(lang, 'at')}</th><th scope="col">${tx(lang, 'actor')}</th><th scope="col">${tx(lang, 'auditAction')}</th><th scope="col">${tx(lang, 'subject')}</th><th scope="col">${tx(lang, 'details')}</th></tr></thead>
          <tbody>${rows.map(
            (r) => html`<tr data-seq="${String(r.seq)}" data-action="${r.action}" data-subject="${r.subject ?? ''}"><td>${formatTime(lang, r.at, true)}</td><td data-actor="${r.actor}">${actorLabel(lang, r.actor, names)}</td>
              <td>${labels.auditAction(lang, r.action)}</td><td>${r.subject ?? ''}</td><td>${detailsText(lang, r.details)}</td></tr>`,
          )}</tbody></table>`
      : html`<p>${tx(lang, 'noAudit')}</p>`;

  const detailPage = async (c: PortalContext, nric: string) => {
    const lang = L(c);
    const who = await actor(c);
    const d = await officerDetail(services, who, nric);
    const o = d.officer;
    const can = actionsFor(d, services.now());
    const agencies = await allAgencies();
    const names = await actorNames(services, d.audit.map((r) => r.actor));
    const base = `${ADMIN}/officers/${o.nric}`;
    const actions = [
      can.resend ? html`<form method="post" action="${base}/resend" class="inline">${csrf(c)}<button type="submit" class="secondary" id="action-resend">${tx(lang, 'resend')}</button></form>` : '',
      can.unlock ? html`<form method="post" action="${base}/unlock" class="inline">${csrf(c)}<button type="submit" id="action-unlock">${tx(lang, 'unlock')}</button></form>` : '',
      can.reactivate ? html`<form method="post" action="${base}/reactivate" class="inline">${csrf(c)}<button type="submit" id="action-reactivate">${tx(lang, 'reactivate')}</button></form>` : '',
      can.revoke
        ? html`<form method="post" action="${base}/revoke" id="revoke-form">${csrf(c)}
            ${select(tx(lang, 'revokeReason'), 'reason', REVOCATION_REASONS.map((r) => ({ value: r, label: labels.revocationReason(lang, r) })), 'unspecified', 'f-revoke-reason')}
            <button type="submit" class="danger" id="action-revoke">${tx(lang, 'revoke')}</button></form>`
        : '',
      // Issue 21: a hold on the newest certificate (leave, investigation), lifted by reinstate.
      can.revoke ? html`<form method="post" action="${base}/suspend" class="inline">${csrf(c)}<button type="submit" class="secondary" id="action-suspend">${tx(lang, 'suspendCertificate')}</button></form>` : '',
      d.certificates[0]?.revocationReason === 'certificateHold'
        ? html`<form method="post" action="${base}/reinstate" class="inline">${csrf(c)}<button type="submit" id="action-reinstate">${tx(lang, 'reinstateCertificate')}</button></form>`
        : '',
      can.movement
        ? html`<details><summary>${tx(lang, 'movement')}</summary>
            <form method="post" action="${base}/movement" id="movement-form">${csrf(c)}
              ${select(tx(lang, 'movementKind'), 'kind', MOVEMENT_KINDS.map((k) => ({ value: k, label: labels.movementKind(lang, k) })), 'transfer', 'f-kind')}
              ${input(tx(lang, 'effectiveDate'), 'effectiveDate', { type: 'date', id: 'f-effective' })}
              <p><label for="f-to">${tx(lang, 'toAgency')}</label><select id="f-to" name="toAgency"><option value="">—</option>${agencies.map((a) => html`<option value="${a.code}">${a.name} (${a.code})</option>`)}</select></p>
              <button type="submit" class="secondary" id="action-movement">${tx(lang, 'recordMovement')}</button>
            </form></details>`
        : '',
    ];
    const certs = d.certificates;
    const keys = await listPasskeys(services.db, { type: 'officer', id: o.nric });
    return view(
      c,
      `${o.name} (${o.nric})`,
      html`${okNotice(c)}<p><a href="${ADMIN}/officers">${tx(lang, 'consoleOfficers')}</a></p>
        <section aria-labelledby="profile"><h2 id="profile">${tx(lang, 'officerDetail')}</h2><dl id="officer" data-status="${o.status}">
          <dt>${tx(lang, 'nric')}</dt><dd>${o.nric}</dd><dt>${tx(lang, 'name')}</dt><dd>${o.name}</dd>
          <dt>${tx(lang, 'email')}</dt><dd>${o.email} (${o.emailVerifiedAt ? `${tx(lang, 'verified')} ${formatTime(lang, o.emailVerifiedAt)}` : tx(lang, 'notVerified')})</dd>
          <dt>${tx(lang, 'phone')}</dt><dd>${o.phone ?? '—'}</dd>
          <dt>${tx(lang, 'agency')}</dt><dd>${d.agencyName} (${o.agencyCode})</dd>
          <dt>${tx(lang, 'accountingOffice')}</dt><dd>${o.accountingOffice ?? '—'}</dd>
          <dt>${tx(lang, 'officeAddress')}</dt><dd>${o.officeAddress ?? '—'}</dd>
          <dt>${tx(lang, 'system')}</dt><dd>${o.system ? systemName(o.system) : '—'}</dd>
          <dt>${tx(lang, 'media')}</dt><dd>${o.media.map((m) => labels.medium(lang, m)).join(', ')}</dd>
          <dt>${tx(lang, 'status')}</dt><dd id="officer-status">${labels.officerStatus(lang, o.status)}${o.pinLockedAt !== null ? html`, <strong>${tx(lang, 'locked')}</strong>` : ''}</dd>
          <dt>${tx(lang, 'lastActivity')}</dt><dd>${formatTime(lang, o.lastActivityAt)}</dd>
          <dt>${tx(lang, 'created')}</dt><dd>${formatTime(lang, o.createdAt)}</dd>
        </dl></section>
        <section aria-labelledby="actions"><h2 id="actions">${tx(lang, 'actions')}</h2>
          ${actions.some((a) => a !== '') ? actions : html`<p>${tx(lang, 'nothingToDo')}</p>`}
        </section>
        <section aria-labelledby="certificates"><h2 id="certificates">${tx(lang, 'certificates')}</h2>
          ${certs.length
            ? html`<table><thead><tr><th scope="col">${tx(lang, 'serial')}</th><th scope="col">${tx(lang, 'validFrom')}</th><th scope="col">${tx(lang, 'certValid')}</th><th scope="col">${tx(lang, 'status')}</th></tr></thead>
                <tbody>${certs.map(
                  (k) => html`<tr data-serial="${k.serial}"><td>${k.serial}</td><td>${formatTime(lang, k.notBefore)}</td><td>${formatTime(lang, k.notAfter)}</td>
                    <td>${k.revokedAt !== null ? html`${tx(lang, 'certRevoked')} ${formatTime(lang, k.revokedAt)}${k.revocationReason ? ` — ${labels.revocationReason(lang, k.revocationReason)}` : ''}` : labels.officerStatus(lang, 'active')}</td></tr>`,
                )}</tbody></table>`
            : html`<p>${tx(lang, 'noCertificate')}</p>`}
        </section>
        <section aria-labelledby="devices"><h2 id="devices">${tx(lang, 'devices')}</h2>
          ${d.devices.length
            ? html`<table><thead><tr><th scope="col">${tx(lang, 'device')}</th><th scope="col">${tx(lang, 'registeredAt')}</th><th scope="col">${tx(lang, 'status')}</th></tr></thead>
                <tbody>${d.devices.map((v) => html`<tr><td>${v.label}</td><td>${formatTime(lang, v.registeredAt)}</td><td>${labels.deviceStatus(lang, v.status)}</td></tr>`)}</tbody></table>`
            : html`<p>${tx(lang, 'noDevices')}</p>`}
        </section>
        <section aria-labelledby="passkeys"><h2 id="passkeys">${tx(lang, 'passkeys')}</h2>
          ${keys.length
            ? html`<table><thead><tr><th scope="col">${tx(lang, 'name')}</th><th scope="col">${tx(lang, 'created')}</th><th scope="col">${tx(lang, 'lastUsed')}</th><th scope="col">${tx(lang, 'status')}</th></tr></thead>
                <tbody>${keys.map((k) => html`<tr data-passkey-id="${k.credentialId}"><td>${k.name}</td><td>${formatTime(lang, k.createdAt)}</td><td>${formatTime(lang, k.lastUsedAt)}</td><td>${labels.passkeyStatus(lang, k.status)}</td></tr>`)}</tbody></table>
              <p><a href="${base}/passkeys">${tx(lang, 'revokePasskey')}</a></p>`
            : html`<p>${tx(lang, 'noPasskeys')}</p>`}
        </section>
        <section aria-labelledby="movements"><h2 id="movements">${tx(lang, 'movements')}</h2>
          ${d.movements.length
            ? html`<table><thead><tr><th scope="col">${tx(lang, 'movementKind')}</th><th scope="col">${tx(lang, 'effectiveDate')}</th><th scope="col">${tx(lang, 'fromAgency')}</th><th scope="col">${tx(lang, 'toAgency')}</th><th scope="col">${tx(lang, 'appliedAt')}</th></tr></thead>
                <tbody>${d.movements.map(
                  (m) => html`<tr><td>${labels.movementKind(lang, m.kind)}</td><td>${formatTime(lang, m.effectiveAt)}</td><td>${m.fromAgencyCode}</td><td>${m.toAgencyCode ?? '—'}</td><td>${m.appliedAt !== null ? formatTime(lang, m.appliedAt) : tx(lang, 'notYet')}</td></tr>`,
                )}</tbody></table>`
            : html`<p>${tx(lang, 'noMovements')}</p>`}
        </section>
        <section aria-labelledby="recent"><h2 id="recent">${tx(lang, 'recentAudit')}</h2>
          ${auditTable(lang, d.audit, names, 'officer-audit')}
          <p><a href="${ADMIN}/audit?nric=${o.nric}">${tx(lang, 'fullAudit')}</a></p>
        </section>`,
    );
  };

  // ---- imports -------------------------------------------------------------------------------

  const importBatches = async (who: Actor) => {
    const { officers } = services.db.t;
    return services.db.orm
      .select({
        batch: officers.importBatch,
        officers: sql<number>`count(*)`.mapWith(Number),
        unverified: sql<number>`sum(case when ${officers.emailVerifiedAt} is null then 1 else 0 end)`.mapWith(Number),
        first: sql<number>`min(${officers.createdAt})`.mapWith(Number),
      })
      .from(officers)
      .where(and(isNotNull(officers.importBatch), who.agencyCode === null ? undefined : eq(officers.agencyCode, who.agencyCode)))
      .groupBy(officers.importBatch)
      .orderBy(sql`min(${officers.createdAt}) desc`)
      .limit(100);
  };

  // ---- audit ---------------------------------------------------------------------------------

  const actorLabel = (lang: Lang, raw: string, names: Map<string, string>) => {
    const named = names.get(raw) ?? names.get(raw.replace(/^officer:/, ''));
    if (named) return named;
    if (raw === 'system') return tx(lang, 'actorSystem');
    if (raw === 'cli') return tx(lang, 'actorCli');
    if (raw === 'portal') return tx(lang, 'actorPortal');
    if (raw === 'ca') return tx(lang, 'actorCa');
    if (raw === 'demo') return tx(lang, 'actorDemo');
    if (raw === 'passkey') return tx(lang, 'actorPasskey');
    if (raw.startsWith('client:')) return `${tx(lang, 'actorClient')} ${raw.slice(7)}`;
    if (raw.startsWith('officer:')) return `${tx(lang, 'actorOfficer')} ${raw.slice(8)}`;
    if (raw.startsWith('admin:')) return `${tx(lang, 'actorAdmin')} ${raw.slice(6)}`;
    return raw;
  };

  const detailsText = (lang: Lang, details: Record<string, unknown>) =>
    Object.entries(details)
      .map(([k, v]) => auditDetail(lang, k, v))
      .join('; ');

  const auditQueryString = (f: AuditFilter, before?: number) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries({ nric: f.nric, from: f.from, to: f.to, actor: f.actor, action: f.action, before })) if (v !== undefined && v !== '') params.set(k, String(v));
    const text = params.toString();
    return text ? `?${text}` : '';
  };

  const readAuditFilter = (c: PortalContext): AuditFilter => {
    const filter = parseAuditFilter((n) => c.req.query(n));
    if (filter.nric && !/^\d{12}$/.test(filter.nric)) throw new RoamSignError('bad_request', { reason: 'bad_nric' });
    return filter;
  };

  const app = new Hono<PortalEnv>()
    .get(`${ADMIN}/officers`, signedIn, (c) => officersPage(c))
    .get(`${ADMIN}/officers.csv`, signedIn, async (c) => {
      const who = await actor(c);
      const query = parseOfficerQuery((n) => c.req.query(n));
      const lang = L(c);
      let text = csvLine(['nric', 'name', 'email', 'email_verified', 'phone', 'agency', 'agency_name', 'accounting_office', 'system', 'media', 'status', 'pin_locked', 'registered_at']);
      const names = new Map((await allAgencies()).map((a) => [a.code, a.name]));
      for await (const rows of eachOfficer(services, who, query)) {
        for (const o of rows)
          text += csvLine([o.nric, o.name, o.email, o.emailVerifiedAt ? 'yes' : 'no', o.phone, o.agencyCode, names.get(o.agencyCode) ?? '', o.accountingOffice, o.system, o.media.join(' '), labels.officerStatus(lang, o.status), o.pinLockedAt !== null ? 'yes' : 'no', formatMalaysiaTime(lang, o.createdAt, { seconds: true })]);
      }
      c.header('Content-Type', 'text/csv; charset=utf-8');
      c.header('Content-Disposition', 'attachment; filename="pegawai.csv"');
      return c.body(text);
    })
    .post(`${ADMIN}/officers/bulk-unlock`, signedIn, async (c) => {
      const lang = L(c);
      const who = await actor(c);
      const query = { ...parseOfficerQuery((n) => c.req.query(n)), status: 'locked' as const };
      const { officers } = services.db.t;
      const where = officerConditions(services, who, query);
      if (!confirmed(c)) {
        const [counted] = await services.db.orm.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(officers).where(where);
        return confirmPage(c, {
          question: tx(lang, 'confirmBulkUnlock', { count: counted?.n ?? 0 }),
          consequence: tx(lang, 'consequenceBulkUnlock'),
          action: `${ADMIN}/officers/bulk-unlock${queryString(query)}`,
          fields: {},
          button: tx(lang, 'confirmYes'),
          cancel: `${ADMIN}/officers${queryString(query)}`,
        });
      }
      const locked = await services.db.orm.select({ nric: officers.nric }).from(officers).where(where).limit(10_000);
      for (const { nric } of locked) await unlockPin(services, who, nric);
      return c.redirect(`${ADMIN}/officers${queryString(query)}&ok=bulk_unlocked`, 303);
    })
    .get(`${ADMIN}/officers/:nric`, signedIn, (c) => detailPage(c, nricParam(c)))
    .post(`${ADMIN}/officers/:nric/resend`, signedIn, async (c) => {
      const nric = nricParam(c);
      await resendVerification(services, await actor(c), nric);
      return toDetail(c, nric, 'resent');
    })
    .post(`${ADMIN}/officers/:nric/unlock`, signedIn, async (c) => {
      const nric = nricParam(c);
      await unlockPin(services, await actor(c), nric);
      return toDetail(c, nric, 'unlocked');
    })
    // Staff movement (issue 5): signing for the old role stops from the effective date.
    .post(`${ADMIN}/officers/:nric/movement`, signedIn, async (c) => {
      const lang = L(c);
      const nric = nricParam(c);
      const who = await actor(c);
      const officer = await officerInScope(services, who, nric);
      const date = field(c, 'effectiveDate');
      // A date alone is the start of that day in Malaysia (UTC+8).
      const effectiveAt = malaysiaDayStart(date) ?? Date.parse(date);
      if (Number.isNaN(effectiveAt)) throw new RoamSignError('bad_request', { effectiveDate: 'expected a date' });
      const kind = field(c, 'kind') as MovementKind;
      if (!(MOVEMENT_KINDS as readonly string[]).includes(kind)) throw new RoamSignError('bad_request', { kind: 'expected transfer, retirement or end_of_role' });
      // The officer's own agency records a transfer out, to any agency (certificates are personal).
      const toAgency = field(c, 'toAgency');
      if (!confirmed(c)) {
        return confirmPage(c, {
          question: tx(lang, 'confirmMovement', { kind: labels.movementKind(lang, kind).toLowerCase(), name: officer.name, nric, date: formatTime(lang, effectiveAt) }),
          consequence: tx(lang, kind === 'transfer' ? 'consequenceTransfer' : 'consequenceRetire', { name: officer.name }),
          action: `${ADMIN}/officers/${nric}/movement`,
          fields: { kind, effectiveDate: date, toAgency },
          button: tx(lang, 'confirmMovementButton'),
          cancel: `${ADMIN}/officers/${nric}`,
        });
      }
      await recordMovement(services, { nric, kind, effectiveAt, ...(toAgency ? { toAgencyCode: toAgency } : {}), recordedBy: who.label });
      await applyDueMovements(services);
      return toDetail(c, nric, 'movement');
    })
    .post(`${ADMIN}/officers/:nric/reactivate`, signedIn, async (c) => {
      const lang = L(c);
      const nric = nricParam(c);
      const who = await actor(c);
      const officer = await officerInScope(services, who, nric);
      if (!confirmed(c)) {
        return confirmPage(c, {
          question: tx(lang, 'confirmReactivate', { name: officer.name, nric }),
          consequence: tx(lang, 'consequenceReactivate', { name: officer.name }),
          action: `${ADMIN}/officers/${nric}/reactivate`,
          fields: {},
          button: tx(lang, 'confirmReactivateButton'),
          cancel: `${ADMIN}/officers/${nric}`,
        });
      }
      await reactivate(services, nric, who.label);
      return toDetail(c, nric, 'reactivated');
    })
    .post(`${ADMIN}/officers/:nric/revoke`, signedIn, async (c) => {
      const lang = L(c);
      const nric = nricParam(c);
      const who = await actor(c);
      const reason = field(c, 'reason');
      if (!confirmed(c)) {
        const d = await officerDetail(services, who, nric, 0);
        if (!(REVOCATION_REASONS as string[]).includes(reason)) throw new RoamSignError('bad_request', { reason: 'bad_revocation_reason' });
        const live = d.certificates.filter((k) => k.revokedAt === null);
        if (!live.length) throw new RoamSignError('not_found', { reason: 'no_certificate' });
        return confirmPage(c, {
          question: tx(lang, 'confirmRevoke', { name: d.officer.name, nric }),
          consequence: `${tx(lang, 'consequenceRevoke', { serials: live.map((k) => k.serial).join(', '), name: d.officer.name })} ${tx(lang, 'reason')}: ${labels.revocationReason(lang, reason)}.`,
          action: `${ADMIN}/officers/${nric}/revoke`,
          fields: { reason },
          button: tx(lang, 'confirmRevokeButton'),
          cancel: `${ADMIN}/officers/${nric}`,
        });
      }
      await revokeCertificate(services, who, nric, reason);
      return toDetail(c, nric, 'revoked');
    })
    .post(`${ADMIN}/officers/:nric/suspend`, signedIn, async (c) => holdAction(c, 'suspend'))
    .post(`${ADMIN}/officers/:nric/reinstate`, signedIn, async (c) => holdAction(c, 'reinstate'))
    .get(`${ADMIN}/imports`, signedIn, async (c) => {
      const lang = L(c);
      const batches = await importBatches(await actor(c));
      return view(
        c,
        tx(lang, 'imports'),
        html`${okNotice(c)}<p><a href="${ADMIN}/import">${tx(lang, 'importCsv')}</a></p>
          ${batches.length
            ? html`<table id="imports"><thead><tr><th scope="col">${tx(lang, 'importBatch')}</th><th scope="col">${tx(lang, 'importedAt')}</th><th scope="col">${tx(lang, 'officersCount')}</th><th scope="col">${tx(lang, 'unverifiedCount')}</th><th scope="col">${tx(lang, 'actions')}</th></tr></thead>
                <tbody>${batches.map(
                  (b) => html`<tr data-batch="${b.batch ?? ''}"><td><a href="${ADMIN}/officers?import=${b.batch ?? ''}">${b.batch}</a></td><td>${formatTime(lang, b.first)}</td><td>${b.officers}</td><td>${b.unverified}</td>
                    <td>${b.unverified > 0 ? html`<form method="post" action="${ADMIN}/imports/${b.batch ?? ''}/resend">${csrf(c)}<button type="submit" class="secondary">${tx(lang, 'bulkResend')}</button></form>` : ''}</td></tr>`,
                )}</tbody></table>`
            : html`<p>${tx(lang, 'noImports')}</p>`}`,
      );
    })
    .post(`${ADMIN}/imports/:batch/resend`, signedIn, async (c) => {
      const lang = L(c);
      const batch = c.req.param('batch');
      if (!/^imp_[\w-]{1,32}$/.test(batch)) throw new RoamSignError('bad_request', { reason: 'bad_batch' });
      const who = await actor(c);
      const targets = await unverifiedOfficers(services, who, { importBatch: batch });
      if (!confirmed(c)) {
        return confirmPage(c, {
          question: tx(lang, 'confirmBulkResend', { count: targets.length }),
          consequence: tx(lang, 'consequenceBulkResend'),
          action: `${ADMIN}/imports/${batch}/resend`,
          fields: {},
          button: tx(lang, 'confirmYes'),
          cancel: `${ADMIN}/imports`,
        });
      }
      await resendToUnverified(services, who, targets);
      return c.redirect(`${ADMIN}/imports?ok=bulk_resent`, 303);
    })
    .get(`${ADMIN}/applications/:id`, signedIn, async (c) => {
      const lang = L(c);
      const { application: a, officer: o, agencyName } = await applicationDetail(services, await actor(c), c.req.param('id'));
      return view(
        c,
        `${tx(lang, 'applicationDetail')}: ${o.name}`,
        html`<section aria-labelledby="app-h"><h2 id="app-h">${tx(lang, 'applicant')}</h2><dl id="application" data-status="${a.status}">
            <dt>${tx(lang, 'nric')}</dt><dd>${o.nric}</dd><dt>${tx(lang, 'name')}</dt><dd><a href="${ADMIN}/officers/${o.nric}">${o.name}</a></dd>
            <dt>${tx(lang, 'agency')}</dt><dd>${agencyName} (${o.agencyCode})</dd>
            <dt>${tx(lang, 'accountingOffice')}</dt><dd>${o.accountingOffice ?? '—'}</dd>
            <dt>${tx(lang, 'officeAddress')}</dt><dd>${a.officeAddress}</dd>
            <dt>${tx(lang, 'phone')}</dt><dd>${a.phone}</dd>
            <dt>${tx(lang, 'email')}</dt><dd>${o.email}</dd>
            <dt>${tx(lang, 'emailVerifiedAt')}</dt><dd id="email-verified">${o.emailVerifiedAt !== null ? formatTime(lang, o.emailVerifiedAt) : tx(lang, 'notVerified')}</dd>
            <dt>${tx(lang, 'system')}</dt><dd>${systemName(a.system)}</dd>
            <dt>${tx(lang, 'media')}</dt><dd>${o.media.map((m) => labels.medium(lang, m)).join(', ')}</dd>
            <dt>${tx(lang, 'declaredAt')}</dt><dd>${formatTime(lang, a.declaredAt)}</dd>
            <dt>${tx(lang, 'submittedAt')}</dt><dd>${formatTime(lang, a.createdAt)}</dd>
            <dt>${tx(lang, 'status')}</dt><dd>${labels.applicationStatus(lang, a.status)}${a.reason ? ` — ${a.reason}` : ''}</dd>
          </dl></section>
          ${a.status === 'pending'
            ? html`<section aria-labelledby="decide"><h2 id="decide">${tx(lang, 'actions')}</h2>
                <form method="post" action="${ADMIN}/applications/${a.id}/approve" class="inline">${csrf(c)}<button type="submit" id="approve">${tx(lang, 'approve')}</button></form>
                <form method="post" action="${ADMIN}/applications/${a.id}/reject">${csrf(c)}
                  ${input(tx(lang, 'rejectReason'), 'reason', { maxlength: 500, id: 'f-reject-reason' })}<button type="submit" class="secondary" id="reject">${tx(lang, 'reject')}</button></form></section>`
            : ''}`,
      );
    })
    .post(`${ADMIN}/applications/:id/approve`, signedIn, async (c) => {
      await approveApplication(services, await actor(c), c.req.param('id'));
      return c.redirect(`${ADMIN}?ok=approved`, 303);
    })
    .post(`${ADMIN}/applications/:id/reject`, signedIn, async (c) => {
      const id = c.req.param('id');
      try {
        await rejectApplication(services, await actor(c), id, field(c, 'reason'));
      } catch (error) {
        // The reason stays typed, its error beside it.
        if (!(error instanceof RoamSignError) || error.details?.reason !== 'reason_required') throw error;
        const lang = L(c);
        return view(
          c,
          tx(lang, 'applicationDetail'),
          html`${errorBox(errorLines(lang, error))}<form method="post" action="${ADMIN}/applications/${id}/reject">${csrf(c)}
            ${input(tx(lang, 'rejectReason'), 'reason', { maxlength: 500, id: 'f-reject-reason', value: field(c, 'reason'), error: errorLines(lang, error)[0] ?? '' })}<button type="submit" class="secondary">${tx(lang, 'reject')}</button></form>
            <p><a href="${ADMIN}/applications/${id}">${tx(lang, 'back')}</a></p>`,
          400,
        );
      }
      return c.redirect(`${ADMIN}?ok=rejected`, 303);
    })
    .get(`${ADMIN}/audit`, signedIn, async (c) => {
      const lang = L(c);
      const who = await actor(c);
      const filter = readAuditFilter(c);
      const { rows, older } = await queryAudit(services, who, filter);
      const names = await actorNames(services, rows.map((r) => r.actor));
      const admins = await adminsInScope(services, who);
      const actorOptions = [
        { value: '', label: tx(lang, 'anyValue') },
        ...admins.map((a) => ({ value: `admin:${a.id}`, label: a.name })),
        { value: 'system', label: tx(lang, 'actorSystem') },
        { value: 'cli', label: tx(lang, 'actorCli') },
      ];
      const actionOptions = [{ value: '', label: tx(lang, 'anyValue') }, ...AUDIT_ACTIONS.map((a) => ({ value: a, label: labels.auditAction(lang, a) }))];
      return view(
        c,
        tx(lang, 'audit'),
        html`<form method="get" action="${ADMIN}/audit" class="filters" role="search" aria-label="${tx(lang, 'audit')}">
            ${input(tx(lang, 'auditNric'), 'nric', { value: filter.nric ?? '', required: false, inputmode: 'numeric', maxlength: 14 })}
            ${input(tx(lang, 'auditFrom'), 'from', { type: 'date', value: filter.from ?? '', required: false })}
            ${input(tx(lang, 'auditTo'), 'to', { type: 'date', value: filter.to ?? '', required: false })}
            ${optionalSelect(tx(lang, 'auditActor'), 'actor', actorOptions, filter.actor ?? '')}
            ${optionalSelect(tx(lang, 'auditAction'), 'action', actionOptions, filter.action ?? '')}
            <p><button type="submit">${tx(lang, 'show')}</button></p>
          </form>
          <p><a href="${ADMIN}/audit.csv${auditQueryString(filter)}" id="export-csv">${tx(lang, 'exportCsv')}</a></p>
          ${auditTable(lang, rows, names)}
          <nav class="pager" aria-label="${tx(lang, 'audit')}">
            ${filter.before ? html`<a href="${ADMIN}/audit${auditQueryString({ ...filter, before: undefined } as AuditFilter)}">${tx(lang, 'newest')}</a>` : ''}
            ${older ? html`<a rel="next" href="${ADMIN}/audit${auditQueryString(filter, older)}">${tx(lang, 'older')}</a>` : ''}
          </nav>`,
      );
    })
    .get(`${ADMIN}/audit.csv`, signedIn, async (c) => {
      const lang = L(c);
      const who = await actor(c);
      const filter = readAuditFilter(c);
      let text = csvLine(['seq', 'time_malaysia', 'at_utc', 'actor', 'actor_name', 'action', 'event', 'subject', 'details']);
      // Pages of the same query, newest first, up to 100,000 entries.
      let before = filter.before;
      for (let n = 0; n < 100; n++) {
        const { rows, older } = await queryAudit(services, who, { ...filter, ...(before ? { before } : {}) }, 1000);
        const names = await actorNames(services, rows.map((r) => r.actor));
        for (const r of rows)
          text += csvLine([r.seq, formatMalaysiaTime(lang, r.at, { seconds: true }), new Date(r.at).toISOString(), r.actor, actorLabel(lang, r.actor, names), r.action, labels.auditAction(lang, r.action), r.subject, JSON.stringify(r.details)]);
        if (!older) break;
        before = older;
      }
      c.header('Content-Type', 'text/csv; charset=utf-8');
      c.header('Content-Disposition', 'attachment; filename="log-audit.csv"');
      return c.body(text);
    });
  return app;
}

function pageLabel(lang: Lang, found: { page: number; pages: number; capped: boolean }): string {
  return found.capped ? tx(lang, 'pageN', { page: found.page }) : tx(lang, 'pageOf', { page: found.page, pages: found.pages });
}

function optionalSelect(label: string, name: string, options: { value: string; label: string }[], selected: string) {
  const id = `f-${name}`;
  return html`<p><label for="${id}">${label}</label><select id="${id}" name="${name}">${options.map((o) => html`<option value="${o.value}" ${o.value === selected ? html`selected` : ''}>${o.label}</option>`)}</select></p>`;
}
