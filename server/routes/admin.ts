import { Hono } from 'hono';
import { html } from 'hono/html';
import { RoamSignError } from '../../shared/errors.js';
import { SYSTEMS, SYSTEM_NAMES } from '../../shared/systems.js';
import {
  actorOf,
  assertScope,
  approveApplication,
  officerInScope,
  auditFor,
  completeAdminSignIn,
  createAdmin,
  findAdmin,
  listApplications,
  listOfficers,
  registerOfficer,
  rejectApplication,
  resendVerification,
  revokeCertificate,
  REVOCATION_REASONS,
  startAdminSignIn,
  unlockPin,
  type AdminRole,
  type AdminRow,
} from '../portal/adminPortal.js';
import { importOfficers, type ImportRow } from '../portal/csvImport.js';
import { applyDueMovements, recordMovement, type MovementKind } from '../lifecycle/movements.js';
import { reactivate } from '../lifecycle/inactivity.js';
import {
  csrf,
  endSession,
  errorBox,
  field,
  formatTime,
  hidden,
  input,
  notice,
  okNotice,
  page,
  portalErrorHandler,
  requireSession,
  select,
  startSession,
  type PortalContext,
  type PortalEnv,
  type PortalKit,
} from '../portal/http.js';
import { rememberDevice } from '../http/deviceCookie.js';
import { requesterReader } from '../http/requester.js';
import { errorLines, reasonText, tx } from '../portal/text.js';
import type { Services } from '../services.js';
import { revokePasskey } from '../passkeys/managePasskeys.js';
import { isPasskeyPolicy, PASSKEY_POLICIES, policySetFor, setPasskeyPolicy } from '../passkeys/passkeyPolicy.js';
import { listPasskeys } from '../passkeys/passkeyStore.js';
import { completeAdminPasskeySignIn, finishAdminPasskeyRegistration, startAdminPasskeyRegistration, startAdminPasskeySignIn } from '../passkeys/adminPasskeys.js';
import { removePasskey } from '../passkeys/managePasskeys.js';
import { PASSKEY_PAGE_CSP } from '../portal/passkeyScript.js';

const ADMIN = '/portal/admin';
const SIGN_IN = `${ADMIN}/sign-in`;

/** Administrators' pages (/portal/admin): every officer action checks the agency scope in the domain. */
export function adminRoutes(services: Services, kit: PortalKit) {
  const signedIn = requireSession('admin', SIGN_IN);
  const L = (c: PortalContext) => c.get('lang');
  const requesterOf = requesterReader(services.config);
  const adminOf = async (c: PortalContext): Promise<AdminRow> => {
    const admin = await findAdmin(services, c.get('session')!.subjectId);
    if (!admin) throw new RoamSignError('unauthorized');
    return admin;
  };
  const actor = async (c: PortalContext) => actorOf(await adminOf(c));
  const allAgenciesOf = () => services.db.orm.select().from(services.db.t.agencies).orderBy(services.db.t.agencies.code);
  const view = (c: PortalContext, title: string, body: Parameters<typeof page>[2], status = 200) => c.html(page(c, title, body, { admin: true }), status as 200);
  const done = (c: PortalContext, ok: string) => c.redirect(`${ADMIN}?ok=${ok}`, 303);
  const nricParam = (c: PortalContext) => {
    const nric = (c.req.param('nric') ?? '').replace(/-/g, '');
    if (!/^\d{12}$/.test(nric)) throw new RoamSignError('bad_request', { reason: 'bad_nric' });
    return nric;
  };

  const signInPage = (c: PortalContext, errors: string[] = []) =>
    view(
      c,
      tx(L(c), 'signIn'),
      html`${c.req.query('ended') ? notice(tx(L(c), 'sessionEnded')) : ''}${okNotice(c)}${errorBox(errors)}
        <form method="post" action="${SIGN_IN}">
          ${input(tx(L(c), 'nric'), 'nric', { inputmode: 'numeric', autocomplete: 'username', hint: tx(L(c), 'nricHint'), maxlength: 14 })}
          ${input(tx(L(c), 'password'), 'password', { type: 'password', autocomplete: 'current-password' })}
          <button type="submit">${tx(L(c), 'continue')}</button>
        </form>`,
      errors.length ? 401 : 200,
    );
  const codePage = (c: PortalContext, challengeId: string, errors: string[] = []) => {
    // Issue 11: the second factor may be the administrator's passkey instead of the code.
    c.header('Content-Security-Policy', PASSKEY_PAGE_CSP);
    return view(
      c,
      tx(L(c), 'signIn'),
      html`${errors.length ? errorBox(errors) : notice(tx(L(c), 'adminCodeSent'))}
        <form method="post" action="${SIGN_IN}/code">${hidden('challengeId', challengeId)}
          ${input(tx(L(c), 'code'), 'code', { inputmode: 'numeric', autocomplete: 'one-time-code', pattern: '\\d{6}', maxlength: 6 })}
          <button type="submit">${tx(L(c), 'signIn')}</button>
        </form>
        <section aria-labelledby="passkey-sign-in"><h2 id="passkey-sign-in">${tx(L(c), 'or')} ${tx(L(c), 'signInWithPasskey')}</h2>
          <button type="button" data-passkey="sign-in" data-endpoint="${SIGN_IN}/passkey" data-pending="${challengeId}" data-failed="${tx(L(c), 'passkeyFailed')}">${tx(L(c), 'signInWithPasskey')}</button>
          <p id="passkey-status" role="status" aria-live="polite"></p></section><script src="/portal/passkeys.js" defer></script>`,
      errors.length ? 401 : 200,
    );
  };
  const jsonError = (c: PortalContext, error: unknown) => {
    if (!(error instanceof RoamSignError) || error.status >= 500) throw error;
    return c.json({ error: { code: error.code, message: errorLines(L(c), error).join(' ') } }, error.status as 400);
  };
  const ownPasskeysPage = async (c: PortalContext) => {
    const lang = L(c);
    const admin = await adminOf(c);
    const keys = await listPasskeys(services.db, { type: 'admin', id: admin.id });
    c.header('Content-Security-Policy', PASSKEY_PAGE_CSP);
    return view(
      c,
      tx(lang, 'passkeys'),
      html`${okNotice(c)}${keys.length
        ? html`<table id="passkeys"><caption>${tx(lang, 'passkeys')}</caption><thead><tr><th scope="col">${tx(lang, 'name')}</th><th scope="col">${tx(lang, 'status')}</th><th scope="col">${tx(lang, 'lastUsed')}</th><th scope="col">${tx(lang, 'actions')}</th></tr></thead>
            <tbody>${keys.map(
              (k) => html`<tr data-passkey-id="${k.credentialId}" data-status="${k.status}"><td>${k.name}</td><td>${k.status}</td><td>${formatTime(lang, k.lastUsedAt)}</td><td>
                ${k.status === 'revoked' ? '' : html`<form method="post" action="${ADMIN}/passkeys/${k.credentialId}/remove" class="inline">${csrf(c)}<button type="submit" class="secondary" aria-label="${tx(lang, 'remove')}: ${k.name}">${tx(lang, 'remove')}</button></form>`}</td></tr>`,
            )}</tbody></table>`
        : html`<p>${tx(lang, 'noPasskeys')}</p>`}
        <section aria-labelledby="add-passkey"><h2 id="add-passkey">${tx(lang, 'addPasskey')}</h2>
          <input type="hidden" id="passkey-csrf" value="${c.get('session')?.csrfToken ?? ''}" />
          ${input(tx(lang, 'password'), 'password', { type: 'password', autocomplete: 'current-password', id: 'passkey-pin' })}
          ${input(tx(lang, 'passkeyName'), 'name', { maxlength: 60, id: 'passkey-name', required: false })}
          <button type="button" id="passkey-add" data-passkey="register" data-secret="password" data-endpoint="${ADMIN}/passkeys" data-failed="${tx(lang, 'passkeyFailed')}">${tx(lang, 'addPasskey')}</button>
          <p id="passkey-status" role="status" aria-live="polite"></p>
        </section><script src="/portal/passkeys.js" defer></script>`,
    );
  };

  const agencyOptions = (admin: AdminRow, all: { code: string; name: string }[]) => {
    return all.filter((a) => admin.role === 'admin' || a.code === admin.agencyCode).map((a) => ({ value: a.code, label: `${a.code} — ${a.name}` }));
  };

  const dashboard = async (c: PortalContext, errors: string[] = [], extra: Parameters<typeof page>[2] | '' = '') => {
    const lang = L(c);
    const admin = await adminOf(c);
    const scope = actorOf(admin);
    const apps = await listApplications(services, scope);
    const officers = await listOfficers(services, scope);
    const allAgencies = await allAgenciesOf();
    return view(
      c,
      `${tx(lang, 'adminTitle')}: ${admin.name} (${admin.role}${admin.agencyCode ? `, ${admin.agencyCode}` : ''})`,
      html`${okNotice(c)}${errorBox(errors)}${extra}
        <nav aria-label="${tx(lang, 'adminTitle')}"><ul>
          <li><a href="#applications">${tx(lang, 'applications')}</a></li><li><a href="#register">${tx(lang, 'registerOfficer')}</a></li>
          <li><a href="${ADMIN}/import">${tx(lang, 'importCsv')}</a></li><li><a href="${ADMIN}/audit">${tx(lang, 'audit')}</a></li>
          <li><a href="${ADMIN}/passkey-policy">${tx(lang, 'passkeyPolicy')}</a></li><li><a href="${ADMIN}/passkeys">${tx(lang, 'passkeys')}</a></li>
        </ul></nav>
        <section aria-labelledby="applications"><h2 id="applications">${tx(lang, 'applications')}</h2>
          ${apps.length
            ? html`<table><thead><tr><th scope="col">${tx(lang, 'nric')}</th><th scope="col">${tx(lang, 'name')}</th><th scope="col">${tx(lang, 'system')}</th><th scope="col">${tx(lang, 'date')}</th><th scope="col">${tx(lang, 'actions')}</th></tr></thead><tbody>
                ${apps.map(
                  (a) => html`<tr data-application="${a.id}"><td>${a.nric}</td><td>${a.name}</td><td>${a.system}</td><td>${formatTime(lang, a.createdAt)}</td><td>
                    <form method="post" action="${ADMIN}/applications/${a.id}/approve" class="inline">${csrf(c)}<button type="submit">${tx(lang, 'approve')}</button></form>
                    <form method="post" action="${ADMIN}/applications/${a.id}/reject">${csrf(c)}
                      ${input(tx(lang, 'rejectReason'), 'reason', { maxlength: 500, id: `reason-${a.id}` })}<button type="submit" class="secondary">${tx(lang, 'reject')}</button></form></td></tr>`,
                )}</tbody></table>`
            : html`<p>${tx(lang, 'noApplications')}</p>`}
        </section>
        <section aria-labelledby="register"><h2 id="register">${tx(lang, 'registerOfficer')}</h2><p>${tx(lang, 'registerHint')}</p>
          <form method="post" action="${ADMIN}/officers">${csrf(c)}
            ${input(tx(lang, 'nric'), 'nric', { inputmode: 'numeric', hint: tx(lang, 'nricHint'), maxlength: 14 })}
            ${input(tx(lang, 'name'), 'name', { maxlength: 200 })}
            ${input(tx(lang, 'email'), 'email', { type: 'email' })}
            ${select(tx(lang, 'agency'), 'agency', agencyOptions(admin, allAgencies), admin.agencyCode ?? '')}
            ${input(tx(lang, 'accountingOffice'), 'accountingOffice', { maxlength: 100 })}
            ${select(tx(lang, 'system'), 'system', SYSTEMS.map((s) => ({ value: s, label: SYSTEM_NAMES[s] })))}
            ${input(`${tx(lang, 'phone')} ${tx(lang, 'optional')}`, 'phone', { type: 'tel', required: false })}
            <button type="submit">${tx(lang, 'registerOfficer')}</button>
          </form>
        </section>
        <section aria-labelledby="officers"><h2 id="officers">${tx(lang, 'officers')}</h2>
          <table><thead><tr><th scope="col">${tx(lang, 'nric')}</th><th scope="col">${tx(lang, 'name')}</th><th scope="col">${tx(lang, 'email')}</th><th scope="col">${tx(lang, 'media')}</th><th scope="col">${tx(lang, 'status')}</th><th scope="col">${tx(lang, 'actions')}</th></tr></thead><tbody>
            ${officers.map(
              (o) => html`<tr data-officer="${o.nric}"><td>${o.nric}</td><td>${o.name}</td><td>${o.email} (${o.emailVerifiedAt ? tx(lang, 'verified') : tx(lang, 'notVerified')})</td><td>${o.media.join(', ')}</td>
                <td>${o.status}${o.pinLockedAt !== null ? html`, <strong>${tx(lang, 'locked')}</strong>` : ''}</td><td>
                <form method="post" action="${ADMIN}/officers/${o.nric}/resend" class="inline">${csrf(c)}<button type="submit" class="secondary">${tx(lang, 'resend')}</button></form>
                ${o.pinLockedAt !== null ? html`<form method="post" action="${ADMIN}/officers/${o.nric}/unlock" class="inline">${csrf(c)}<button type="submit">${tx(lang, 'unlock')}</button></form>` : ''}
                <form method="post" action="${ADMIN}/officers/${o.nric}/revoke">${csrf(c)}
                  <label for="revoke-${o.nric}">${tx(lang, 'revokeReason')}</label>
                  <select id="revoke-${o.nric}" name="reason">${REVOCATION_REASONS.map((r) => html`<option value="${r}">${r}</option>`)}</select>
                  <button type="submit" class="secondary">${tx(lang, 'revoke')}</button></form>
                ${o.status === 'suspended' ? html`<form method="post" action="${ADMIN}/officers/${o.nric}/reactivate" class="inline">${csrf(c)}<button type="submit">${tx(lang, 'reactivate')}</button></form>` : ''}
                <details><summary>${tx(lang, 'movement')}</summary>
                  <form method="post" action="${ADMIN}/officers/${o.nric}/movement">${csrf(c)}
                    <label for="kind-${o.nric}">${tx(lang, 'movementKind')}</label>
                    <select id="kind-${o.nric}" name="kind">
                      <option value="transfer">${tx(lang, 'movementTransfer')}</option>
                      <option value="retirement">${tx(lang, 'movementRetirement')}</option>
                      <option value="end_of_role">${tx(lang, 'movementEndOfRole')}</option>
                    </select>
                    <label for="effective-${o.nric}">${tx(lang, 'effectiveDate')}</label>
                    <input type="date" id="effective-${o.nric}" name="effectiveDate" required>
                    <label for="to-${o.nric}">${tx(lang, 'toAgency')}</label>
                    <select id="to-${o.nric}" name="toAgency"><option value="">—</option>${allAgencies.map((a) => html`<option value="${a.code}">${a.code} — ${a.name}</option>`)}</select>
                    <button type="submit" class="secondary">${tx(lang, 'recordMovement')}</button>
                  </form></details>
                <a href="${ADMIN}/audit?nric=${o.nric}">${tx(lang, 'audit')}</a> <a href="${ADMIN}/officers/${o.nric}/passkeys">${tx(lang, 'passkeys')}</a></td></tr>`,
            )}</tbody></table>
        </section>
        ${admin.role === 'admin'
          ? html`<section aria-labelledby="admins"><h2 id="admins">SAP / SA / AP</h2>
              <form method="post" action="${ADMIN}/admins">${csrf(c)}
                ${input(tx(lang, 'nric'), 'nric', { inputmode: 'numeric', maxlength: 14, id: 'adm-nric' })}${input(tx(lang, 'name'), 'name', { id: 'adm-name' })}${input(tx(lang, 'email'), 'email', { type: 'email', id: 'adm-email' })}
                ${select('Peranan / Role', 'role', (['sap', 'sa', 'ap', 'admin'] as const).map((r) => ({ value: r, label: r })), '', 'adm-role')}
                ${select(tx(lang, 'agency'), 'agency', [{ value: '', label: '— (admin)' }, ...agencyOptions(admin, allAgencies)], '', 'adm-agency')}
                <button type="submit">${tx(lang, 'save')}</button></form></section>`
          : ''}`,
      errors.length ? 400 : 200,
    );
  };

  const reportTable = (c: PortalContext, report: ImportRow[]) => {
    const lang = L(c);
    return html`<table id="import-report"><caption>${tx(lang, 'importReport')}</caption>
      <thead><tr><th scope="col">${tx(lang, 'row')}</th><th scope="col">${tx(lang, 'nric')}</th><th scope="col">${tx(lang, 'status')}</th><th scope="col">${tx(lang, 'reason')}</th></tr></thead>
      <tbody>${report.map(
        (r) => html`<tr data-row="${String(r.row)}" data-status="${r.status}" data-reason="${r.reason ?? ''}"><td>${r.row}</td><td>${r.nric}</td><td>${tx(lang, r.status)}</td><td>${r.reason ? reasonText(lang, r.reason) : ''}</td></tr>`,
      )}</tbody></table>`;
  };

  const importPage = (c: PortalContext, report: ImportRow[] | null = null, errors: string[] = []) => {
    const lang = L(c);
    return view(
      c,
      tx(lang, 'importCsv'),
      html`${errorBox(errors)}${report ? reportTable(c, report) : ''}
        <form method="post" action="${ADMIN}/import" enctype="multipart/form-data">${csrf(c)}
          <p>${tx(lang, 'csvHint')}</p>
          <p><label for="f-file">${tx(lang, 'csvFile')}</label><input id="f-file" name="file" type="file" accept=".csv,text/csv" /></p>
          <p><label for="f-csv">${tx(lang, 'csvText')}</label><textarea id="f-csv" name="csv" rows="8" cols="80"></textarea></p>
          <button type="submit">${tx(lang, 'importCsv')}</button>
        </form>`,
      errors.length ? 400 : 200,
    );
  };

  const app = new Hono<PortalEnv>()
    .get(SIGN_IN, (c) => signInPage(c))
    .post(SIGN_IN, async (c) => {
      try {
        const { challengeId } = await startAdminSignIn(services, field(c, 'nric'), field(c, 'password'), requesterOf(c));
        return codePage(c, challengeId);
      } catch (error) {
        if (error instanceof RoamSignError && error.code === 'unauthorized') return signInPage(c, errorLines(L(c), error));
        throw error;
      }
    })
    .post(`${SIGN_IN}/passkey/options`, async (c) => {
      try {
        return c.json(await startAdminPasskeySignIn(services, field(c, 'pending')));
      } catch (error) {
        return jsonError(c, error);
      }
    })
    .post(`${SIGN_IN}/passkey`, async (c) => {
      try {
        const admin = await completeAdminPasskeySignIn(services, { pending: field(c, 'pending'), challengeId: field(c, 'challengeId'), response: field(c, 'response') });
        await startSession(kit, c, 'admin', admin.id);
        await rememberDevice(c, { db: services.db, publicUrl: services.config.publicUrl, subject: `admin:${admin.nric}`, now: services.now() });
        return c.json({ redirect: ADMIN });
      } catch (error) {
        return jsonError(c, error);
      }
    })
    // The administrator's own passkeys (issue 11): added after the password, removed at will.
    .get(`${ADMIN}/passkeys`, signedIn, (c) => ownPasskeysPage(c))
    .post(`${ADMIN}/passkeys/options`, signedIn, async (c) => {
      try {
        return c.json(await startAdminPasskeyRegistration(services, c.get('session')!.subjectId, field(c, 'password'), requesterOf(c)));
      } catch (error) {
        return jsonError(c, error);
      }
    })
    .post(`${ADMIN}/passkeys`, signedIn, async (c) => {
      try {
        await finishAdminPasskeyRegistration(services, c.get('session')!.subjectId, { challengeId: field(c, 'challengeId'), response: field(c, 'response'), name: field(c, 'name') });
        return c.json({ redirect: `${ADMIN}/passkeys?ok=passkey_added` });
      } catch (error) {
        return jsonError(c, error);
      }
    })
    .post(`${ADMIN}/passkeys/:id/remove`, signedIn, async (c) => {
      await removePasskey(services, { type: 'admin', id: c.get('session')!.subjectId }, c.req.param('id'));
      return c.redirect(`${ADMIN}/passkeys?ok=passkey_removed`, 303);
    })
    .post(`${SIGN_IN}/code`, async (c) => {
      const challengeId = field(c, 'challengeId');
      try {
        const admin = await completeAdminSignIn(services, challengeId, field(c, 'code'));
        await startSession(kit, c, 'admin', admin.id);
        // This browser proved to be the administrator: it keeps its own password tries (docs/security.md).
        await rememberDevice(c, { db: services.db, publicUrl: services.config.publicUrl, subject: `admin:${admin.nric}`, now: services.now() });
        return c.redirect(ADMIN, 303);
      } catch (error) {
        if (!(error instanceof RoamSignError) || error.status >= 500) throw error;
        return codePage(c, challengeId, errorLines(L(c), error.code === 'not_found' ? new RoamSignError('otp_invalid') : error));
      }
    })
    .post(`${ADMIN}/sign-out`, signedIn, async (c) => {
      await endSession(kit, c);
      return c.redirect(`${SIGN_IN}?ok=signed_out`, 303);
    })
    .get(ADMIN, signedIn, (c) => dashboard(c))
    .post(`${ADMIN}/officers`, signedIn, async (c) => {
      const outcome = await registerOfficer(services, await actor(c), {
        nric: field(c, 'nric'),
        name: field(c, 'name'),
        email: field(c, 'email'),
        agencyCode: field(c, 'agency'),
        accountingOffice: field(c, 'accountingOffice'),
        system: field(c, 'system'),
        phone: field(c, 'phone'),
      });
      if (outcome.status === 'rejected') {
        if (outcome.reason === 'agency_outside_scope') throw new RoamSignError('forbidden', { reason: outcome.reason });
        return dashboard(c, [reasonText(L(c), outcome.reason)]);
      }
      return done(c, outcome.status === 'created' ? 'registered' : 'updated');
    })
    .post(`${ADMIN}/officers/:nric/resend`, signedIn, async (c) => {
      await resendVerification(services, await actor(c), nricParam(c));
      return done(c, 'resent');
    })
    .post(`${ADMIN}/officers/:nric/unlock`, signedIn, async (c) => {
      await unlockPin(services, await actor(c), nricParam(c));
      return done(c, 'unlocked');
    })
    // Staff movement (issue 5): signing for the old role stops from the effective date.
    .post(`${ADMIN}/officers/:nric/movement`, signedIn, async (c) => {
      const nric = nricParam(c);
      const who = await actor(c);
      await officerInScope(services, who, nric);
      const date = field(c, 'effectiveDate');
      // A date alone is the start of that day in Malaysia (UTC+8).
      const effectiveAt = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(date) ? `${date}T00:00:00+08:00` : date);
      if (Number.isNaN(effectiveAt)) throw new RoamSignError('bad_request', { effectiveDate: 'expected a date' });
      // The officer's own agency records a transfer out, to any agency (certificates are personal).
      const toAgency = field(c, 'toAgency');
      await recordMovement(services, {
        nric,
        kind: field(c, 'kind') as MovementKind,
        effectiveAt,
        ...(toAgency ? { toAgencyCode: toAgency } : {}),
        recordedBy: who.label,
      });
      await applyDueMovements(services);
      return done(c, 'movement');
    })
    .post(`${ADMIN}/officers/:nric/reactivate`, signedIn, async (c) => {
      const nric = nricParam(c);
      const who = await actor(c);
      await officerInScope(services, who, nric);
      await reactivate(services, nric, who.label);
      return done(c, 'reactivated');
    })
    .post(`${ADMIN}/officers/:nric/revoke`, signedIn, async (c) => {
      await revokeCertificate(services, await actor(c), nricParam(c), field(c, 'reason'));
      return done(c, 'revoked');
    })
    .post(`${ADMIN}/applications/:id/approve`, signedIn, async (c) => {
      await approveApplication(services, await actor(c), c.req.param('id'));
      return done(c, 'approved');
    })
    .post(`${ADMIN}/applications/:id/reject`, signedIn, async (c) => {
      await rejectApplication(services, await actor(c), c.req.param('id'), field(c, 'reason'));
      return done(c, 'rejected');
    })
    .post(`${ADMIN}/admins`, signedIn, async (c) => {
      const admin = await adminOf(c);
      if (admin.role !== 'admin') throw new RoamSignError('forbidden');
      const role = field(c, 'role') as AdminRole;
      if (!['admin', 'sap', 'sa', 'ap'].includes(role)) throw new RoamSignError('bad_request', { reason: 'bad_role_agency' });
      const created = await createAdmin(
        services,
        { nric: field(c, 'nric'), name: field(c, 'name'), email: field(c, 'email'), role, agencyCode: role === 'admin' ? null : field(c, 'agency') || null },
        `admin:${admin.id}`,
      );
      // Shown once, to be handed over out of band; only its verifier is stored.
      return dashboard(c, [], notice(`${created.id}: ${tx(L(c), 'password')} = ${created.password}`));
    })
    .get(`${ADMIN}/import`, signedIn, (c) => importPage(c))
    .post(`${ADMIN}/import`, signedIn, async (c) => {
      const file = c.get('form').file;
      const csv = file instanceof File && file.size > 0 ? await file.text() : field(c, 'csv');
      try {
        return importPage(c, await importOfficers(services, await actor(c), csv));
      } catch (error) {
        if (error instanceof RoamSignError && error.code === 'bad_request') return importPage(c, null, errorLines(L(c), error));
        throw error;
      }
    })
    // An officer's passkeys (issue 11): seen and revoked by an administrator in scope.
    .get(`${ADMIN}/officers/:nric/passkeys`, signedIn, async (c) => {
      const lang = L(c);
      const nric = nricParam(c);
      const officer = await officerInScope(services, await actor(c), nric);
      const keys = await listPasskeys(services.db, { type: 'officer', id: nric });
      return view(
        c,
        `${tx(lang, 'passkeys')}: ${officer.name}`,
        html`${okNotice(c)}${keys.length
          ? html`<table id="passkeys"><caption>${tx(lang, 'passkeys')}</caption><thead><tr><th scope="col">${tx(lang, 'name')}</th><th scope="col">${tx(lang, 'status')}</th><th scope="col">${tx(lang, 'created')}</th><th scope="col">${tx(lang, 'lastUsed')}</th><th scope="col">${tx(lang, 'actions')}</th></tr></thead>
              <tbody>${keys.map(
                (k) => html`<tr data-passkey-id="${k.credentialId}" data-status="${k.status}"><td>${k.name}</td><td>${k.status}${k.statusReason ? ` (${k.statusReason})` : ''}</td><td>${formatTime(lang, k.createdAt)}</td><td>${formatTime(lang, k.lastUsedAt)}</td><td>
                  ${k.status === 'revoked' ? '' : html`<form method="post" action="${ADMIN}/officers/${nric}/passkeys/${k.credentialId}/revoke" class="inline">${csrf(c)}<button type="submit" class="secondary" aria-label="${tx(lang, 'revokePasskey')}: ${k.name}">${tx(lang, 'revokePasskey')}</button></form>`}</td></tr>`,
              )}</tbody></table>`
          : html`<p>${tx(lang, 'noPasskeys')}</p>`}`,
      );
    })
    .post(`${ADMIN}/officers/:nric/passkeys/:id/revoke`, signedIn, async (c) => {
      const nric = nricParam(c);
      const who = await actor(c);
      await officerInScope(services, who, nric);
      await revokePasskey(services, who.label, nric, c.req.param('id'));
      return c.redirect(`${ADMIN}/officers/${nric}/passkeys?ok=passkey_revoked`, 303);
    })
    // Signing factor policy per system (national administrators) and per agency (issue 11).
    .get(`${ADMIN}/passkey-policy`, signedIn, async (c) => {
      const lang = L(c);
      const admin = await adminOf(c);
      const agencies = (await allAgenciesOf()).filter((a) => admin.role === 'admin' || a.code === admin.agencyCode);
      const rows = [
        ...(admin.role === 'admin' ? SYSTEMS.map((s) => ({ scope: 'system' as const, id: s, label: SYSTEM_NAMES[s] })) : []),
        ...agencies.map((a) => ({ scope: 'agency' as const, id: a.code, label: `${a.code} — ${a.name}` })),
      ];
      const current = await Promise.all(rows.map((r) => policySetFor(services.db, r.scope, r.id)));
      return view(
        c,
        tx(lang, 'passkeyPolicy'),
        html`${okNotice(c)}<p>${tx(lang, 'passkeyPolicyHint')}</p>
          ${rows.map(
            (r, i) => html`<form method="post" action="${ADMIN}/passkey-policy" data-scope="${r.scope}" data-scope-id="${r.id}">${csrf(c)}
              <input type="hidden" name="scope" value="${r.scope}" /><input type="hidden" name="scopeId" value="${r.id}" />
              ${select(`${tx(lang, r.scope === 'system' ? 'system' : 'agency')}: ${r.label}`, 'policy', [{ value: '', label: tx(lang, 'defaultPolicy') }, ...PASSKEY_POLICIES.map((p) => ({ value: p, label: p }))], current[i] ?? '', `policy-${r.scope}-${r.id}`)}
              <button type="submit">${tx(lang, 'save')}</button></form>`,
          )}`,
      );
    })
    .post(`${ADMIN}/passkey-policy`, signedIn, async (c) => {
      const admin = await adminOf(c);
      const scope = field(c, 'scope');
      const scopeId = field(c, 'scopeId');
      const policy = field(c, 'policy');
      if ((scope !== 'system' && scope !== 'agency') || (policy !== '' && !isPasskeyPolicy(policy))) throw new RoamSignError('bad_request', { reason: 'bad_policy' });
      // A system's policy is national; an agency's, its own administrators' (or a national one's).
      if (scope === 'system' && (admin.role !== 'admin' || !(SYSTEMS as readonly string[]).includes(scopeId))) throw new RoamSignError('forbidden');
      if (scope === 'agency') {
        if (!(await allAgenciesOf()).some((a) => a.code === scopeId)) throw new RoamSignError('bad_request', { reason: 'unknown_agency' });
        assertScope(actorOf(admin), scopeId);
      }
      await setPasskeyPolicy(services, { scope, scopeId, policy: policy === '' ? null : policy, actor: `admin:${admin.id}` });
      return c.redirect(`${ADMIN}/passkey-policy?ok=policy`, 303);
    })
    .get(`${ADMIN}/audit`, signedIn, async (c) => {
      const lang = L(c);
      const nric = (c.req.query('nric') ?? '').replace(/-/g, '').trim();
      if (nric && !/^\d{12}$/.test(nric)) throw new RoamSignError('bad_request', { reason: 'bad_nric' });
      const rows = await auditFor(services, await actor(c), nric || undefined);
      return view(
        c,
        tx(lang, 'audit'),
        html`<form method="get" action="${ADMIN}/audit">${input(tx(lang, 'auditFilter'), 'nric', { value: nric, required: false, inputmode: 'numeric' })}<button type="submit">${tx(lang, 'show')}</button></form>
          <table id="audit"><thead><tr><th scope="col">#</th><th scope="col">${tx(lang, 'at')}</th><th scope="col">${tx(lang, 'actor')}</th><th scope="col">${tx(lang, 'action')}</th><th scope="col">${tx(lang, 'subject')}</th></tr></thead>
          <tbody>${rows.map((r) => html`<tr data-seq="${String(r.seq)}" data-action="${r.action}" data-subject="${r.subject ?? ''}"><td>${r.seq}</td><td>${formatTime(lang, r.at)}</td><td>${r.actor}</td><td>${r.action}</td><td>${r.subject ?? ''}</td></tr>`)}</tbody></table>`,
      );
    });

  app.onError(portalErrorHandler(true, services.log));
  return app;
}
