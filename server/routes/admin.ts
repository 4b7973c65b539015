import { Hono, type MiddlewareHandler } from 'hono';
import { html } from 'hono/html';
import { retryAfterOf } from '../limits/refuseSpent.js';
import { RoamSignError } from '../../shared/errors.js';
import { SYSTEMS, SYSTEM_NAMES, systemName } from '../../shared/systems.js';
import {
  actorOf,
  assertScope,
  officerInScope,
  completeAdminSignIn,
  createAdmin,
  findAdmin,
  countApplications,
  listApplications,
  registerOfficer,
  startAdminSignIn,
  type AdminRole,
  type RejectReason,
  type AdminRow,
} from '../portal/adminPortal.js';
import { importOfficers, type ImportRow } from '../portal/csvImport.js';
import {
  csrf,
  endSession,
  errorBox,
  errorOpt,
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
import { consoleRoutes } from './adminConsole.js';
import { adminClientRoutes } from './adminClients.js';
import { adminAccounts, changeAdminPassword, mayReset, passwordLinkOwner, sendPasswordLink, usePasswordLink } from '../portal/adminAccounts.js';
import { PASSWORD_MIN_LENGTH } from '../portal/passwords.js';
import { labels } from '../../shared/i18n/labels.js';
import { isPasskeyPolicy, PASSKEY_POLICIES, policySetFor, setPasskeyPolicy } from '../passkeys/passkeyPolicy.js';
import { listPasskeys } from '../passkeys/passkeyStore.js';
import { completeAdminPasskeySignIn, finishAdminPasskeyRegistration, startAdminPasskeyRegistration, startAdminPasskeySignIn } from '../portal/adminPasskeys.js';
import { removePasskey, revokePasskey } from '../passkeys/managePasskeys.js';
import { PASSKEY_PAGE_CSP } from '../portal/passkeyScript.js';

const ADMIN = '/portal/admin';
const SIGN_IN = `${ADMIN}/sign-in`;
const PASSWORD = `${ADMIN}/password`;

/** Administrators' pages (/portal/admin): every officer action checks the agency scope in the domain. */
export function adminRoutes(services: Services, kit: PortalKit) {
  const session = requireSession('admin', SIGN_IN);
  // Signed in, and past the forced password change (a password someone else saw is not kept).
  const signedIn: MiddlewareHandler<PortalEnv> = (c, next) =>
    session(c, async () => {
      const admin = await findAdmin(services, c.get('session')!.subjectId);
      if (admin?.mustChangePassword) {
        if (c.req.method === 'GET') return void (c.res = c.redirect(PASSWORD, 303));
        throw new RoamSignError('forbidden', { reason: 'must_change_password' });
      }
      await next();
    });
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
  /** `passkey`: offer the administrator's passkey (issue 11) in place of the code, only if there is one. */
  const codePage = (c: PortalContext, challengeId: string, passkey: boolean, errors: string[] = []) => {
    if (passkey) c.header('Content-Security-Policy', PASSKEY_PAGE_CSP);
    return view(
      c,
      tx(L(c), 'signIn'),
      html`${errors.length ? errorBox(errors) : notice(tx(L(c), 'adminCodeSent'))}
        <form method="post" action="${SIGN_IN}/code">${hidden('challengeId', challengeId)}${passkey ? hidden('passkey', '1') : ''}
          ${input(tx(L(c), 'code'), 'code', { inputmode: 'numeric', autocomplete: 'one-time-code', pattern: '\\d{6}', maxlength: 6 })}
          <button type="submit">${tx(L(c), 'signIn')}</button>
        </form>
        ${passkey
          ? html`<section aria-labelledby="passkey-sign-in"><h2 id="passkey-sign-in">${tx(L(c), 'or')} ${tx(L(c), 'signInWithPasskey')}</h2>
          <button type="button" data-passkey="sign-in" data-endpoint="${SIGN_IN}/passkey" data-pending="${challengeId}" data-failed="${tx(L(c), 'passkeyFailed')}">${tx(L(c), 'signInWithPasskey')}</button>
          <p id="passkey-status" role="status" aria-live="polite"></p></section><script src="/portal/passkeys.js" defer></script>`
          : ''}`,
      errors.length ? 401 : 200,
    );
  };
  const jsonError = (c: PortalContext, error: unknown) => {
    if (!(error instanceof RoamSignError) || error.status >= 500) throw error;
    const retryAfter = retryAfterOf(error);
    if (retryAfter) c.header('Retry-After', retryAfter);
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
              (k) => html`<tr data-passkey-id="${k.credentialId}" data-status="${k.status}"><td>${k.name}</td><td>${labels.passkeyStatus(lang, k.status)}</td><td>${formatTime(lang, k.lastUsedAt)}</td><td>
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

  /** Which field a refused registration is about: its error sits next to it. */
  const REGISTER_FIELD: Partial<Record<RejectReason, string>> = {
    bad_nric: 'nric',
    officer_in_other_agency: 'nric',
    missing_name: 'name',
    bad_email: 'email',
    bad_phone: 'phone',
    unknown_agency: 'agency',
    unknown_system: 'system',
  };

  const dashboard = async (c: PortalContext, errors: string[] = [], extra: Parameters<typeof page>[2] | '' = '', registerError?: { field: string; text: string }) => {
    const lang = L(c);
    const admin = await adminOf(c);
    const scope = actorOf(admin);
    // A queue: the 20 that have waited longest, and how many wait in all (none is hidden for good).
    const [apps, waiting] = await Promise.all([listApplications(services, scope, 'pending', 20, true), countApplications(services, scope, 'pending')]);
    const allAgencies = await allAgenciesOf();
    const accounts = await adminAccounts(services, admin);
    const agencyName = (code: string | null) => (code === null ? '—' : `${allAgencies.find((a) => a.code === code)?.name ?? code} (${code})`);
    // A refused registration shows again with what was typed.
    const typed = (name: string) => (registerError ? field(c, name) : '');
    const errorOf = (name: string) => (registerError?.field === name ? registerError.text : undefined);
    return view(
      c,
      `${tx(lang, 'adminTitle')}: ${admin.name} (${admin.role}${admin.agencyCode ? `, ${admin.agencyCode}` : ''})`,
      html`${okNotice(c)}${errorBox(errors)}${extra}
        <nav aria-label="${tx(lang, 'adminTitle')}"><ul>
          <li><a href="${ADMIN}/officers">${tx(lang, 'consoleOfficers')}</a></li>
          <li><a href="#applications">${tx(lang, 'applications')}</a></li><li><a href="#register">${tx(lang, 'registerOfficer')}</a></li>
          <li><a href="${ADMIN}/import">${tx(lang, 'importCsv')}</a></li><li><a href="${ADMIN}/imports">${tx(lang, 'imports')}</a></li>
          <li><a href="${ADMIN}/audit">${tx(lang, 'audit')}</a></li><li><a href="${ADMIN}/password">${tx(lang, 'changePassword')}</a></li>${admin.role === 'admin' ? html`<li><a href="${ADMIN}/clients">${tx(lang, 'clients')}</a></li>` : ''}
          <li><a href="${ADMIN}/passkey-policy">${tx(lang, 'passkeyPolicy')}</a></li><li><a href="${ADMIN}/passkeys">${tx(lang, 'passkeys')}</a></li>
        </ul></nav>
        <section aria-labelledby="applications"><h2 id="applications">${tx(lang, 'applications')}</h2>
          ${waiting > apps.length ? html`<p id="applications-shown">${tx(lang, 'applicationsShown', { shown: apps.length, total: waiting })}</p>` : ''}
          ${apps.length
            ? html`<table><thead><tr><th scope="col">${tx(lang, 'nric')}</th><th scope="col">${tx(lang, 'name')}</th><th scope="col">${tx(lang, 'agency')}</th><th scope="col">${tx(lang, 'system')}</th><th scope="col">${tx(lang, 'date')}</th><th scope="col">${tx(lang, 'actions')}</th></tr></thead><tbody>
                ${apps.map(
                  (a) => html`<tr data-application="${a.id}"><td>${a.nric}</td><td>${a.name}</td><td>${agencyName(a.agencyCode)}</td><td>${systemName(a.system)}</td><td>${formatTime(lang, a.createdAt)}</td>
                    <td><a href="${ADMIN}/applications/${a.id}" class="open-application">${tx(lang, 'open')}</a></td></tr>`,
                )}</tbody></table>`
            : html`<p>${tx(lang, 'noApplications')}</p>`}
        </section>
        <section aria-labelledby="register"><h2 id="register">${tx(lang, 'registerOfficer')}</h2><p>${tx(lang, 'registerHint')}</p>
          <form method="post" action="${ADMIN}/officers">${csrf(c)}
            ${input(tx(lang, 'nric'), 'nric', { inputmode: 'numeric', hint: tx(lang, 'nricHint'), maxlength: 14, value: typed('nric'), ...errorOpt(errorOf('nric')) })}
            ${input(tx(lang, 'name'), 'name', { maxlength: 200, value: typed('name'), ...errorOpt(errorOf('name')) })}
            ${input(tx(lang, 'email'), 'email', { type: 'email', value: typed('email'), ...errorOpt(errorOf('email')) })}
            ${select(tx(lang, 'agency'), 'agency', agencyOptions(admin, allAgencies), typed('agency') || (admin.agencyCode ?? ''), 'f-agency', errorOf('agency'))}
            ${input(tx(lang, 'accountingOffice'), 'accountingOffice', { maxlength: 100, value: typed('accountingOffice') })}
            ${select(tx(lang, 'system'), 'system', SYSTEMS.map((s) => ({ value: s, label: SYSTEM_NAMES[s] })), typed('system'), 'f-system', errorOf('system'))}
            ${input(`${tx(lang, 'phone')} ${tx(lang, 'optional')}`, 'phone', { type: 'tel', required: false, value: typed('phone'), ...errorOpt(errorOf('phone')) })}
            <button type="submit">${tx(lang, 'registerOfficer')}</button>
          </form>
        </section>
        <section aria-labelledby="admins"><h2 id="admins">${tx(lang, 'adminAccounts')}</h2>
          <table id="admin-accounts"><thead><tr><th scope="col">${tx(lang, 'name')}</th><th scope="col">${tx(lang, 'role')}</th><th scope="col">${tx(lang, 'agency')}</th><th scope="col">${tx(lang, 'email')}</th><th scope="col">${tx(lang, 'actions')}</th></tr></thead>
            <tbody>${accounts.map(
              (a) => html`<tr data-admin="${a.nric}"><td>${a.name}</td><td>${labels.adminRole(lang, a.role)}</td><td>${agencyName(a.agencyCode)}</td><td>${a.email}</td>
                <td>${mayReset(admin, a) ? html`<form method="post" action="${ADMIN}/admins/${a.id}/reset">${csrf(c)}<button type="submit" class="secondary">${tx(lang, 'resetPassword')}</button></form>` : ''}</td></tr>`,
            )}</tbody></table>
          ${admin.role === 'admin'
            ? html`<form method="post" action="${ADMIN}/admins" id="create-admin">${csrf(c)}
                ${input(tx(lang, 'nric'), 'nric', { inputmode: 'numeric', maxlength: 14, id: 'adm-nric' })}${input(tx(lang, 'name'), 'name', { id: 'adm-name' })}${input(tx(lang, 'email'), 'email', { type: 'email', id: 'adm-email' })}
                ${select(tx(lang, 'role'), 'role', (['sap', 'sa', 'ap', 'admin'] as const).map((r) => ({ value: r, label: labels.adminRole(lang, r) })), '', 'adm-role')}
                ${select(tx(lang, 'agency'), 'agency', [{ value: '', label: '— (admin)' }, ...agencyOptions(admin, allAgencies)], '', 'adm-agency')}
                <button type="submit">${tx(lang, 'save')}</button></form>`
            : ''}
        </section>`,
      errors.length ? 400 : 200,
    );
  };

  /** Which field a password error belongs to. */
  const passwordField = (error: RoamSignError | undefined): string | undefined => {
    const reason = error?.details?.reason;
    return reason === 'wrong_current_password' ? 'current' : reason === 'password_mismatch' ? 'confirm' : reason ? 'password' : undefined;
  };
  const passwordInputs = (c: PortalContext, error: RoamSignError | undefined) => {
    const lang = L(c);
    const at = passwordField(error);
    const text = error ? errorLines(lang, error)[0] : undefined;
    const err = (name: string) => (at === name && text ? { error: text } : {});
    return html`${input(tx(lang, 'newPassword'), 'password', { type: 'password', autocomplete: 'new-password', hint: tx(lang, 'passwordHint', { min: PASSWORD_MIN_LENGTH }), ...err('password') })}
      ${input(tx(lang, 'newPasswordConfirm'), 'confirm', { type: 'password', autocomplete: 'new-password', ...err('confirm') })}`;
  };
  const passwordPage = (c: PortalContext, admin: AdminRow, error?: RoamSignError) => {
    const lang = L(c);
    const text = error ? errorLines(lang, error)[0] : undefined;
    return view(
      c,
      tx(lang, 'changePassword'),
      html`${admin.mustChangePassword ? notice(tx(lang, 'mustChangePassword')) : ''}
        <form method="post" action="${PASSWORD}">${csrf(c)}
          ${input(tx(lang, 'currentPassword'), 'current', { type: 'password', autocomplete: 'current-password', ...(passwordField(error) === 'current' && text ? { error: text } : {}) })}
          ${passwordInputs(c, error)}
          <button type="submit">${tx(lang, 'changePassword')}</button>
        </form>`,
      error ? 400 : 200,
    );
  };
  const setPasswordPage = async (c: PortalContext, token: string, error?: RoamSignError) => {
    const lang = L(c);
    const owner = await passwordLinkOwner(services, token).catch((e: unknown) => {
      if (e instanceof RoamSignError && e.code === 'bad_request') return null;
      throw e;
    });
    if (!owner) return view(c, tx(lang, 'setPassword'), errorBox([reasonText(lang, 'link_unknown')]), 400);
    return view(
      c,
      `${tx(lang, 'setPassword')}: ${owner.name}`,
      html`<form method="post" action="${PASSWORD}/set">${hidden('token', token)}
          ${passwordInputs(c, error)}
          <button type="submit">${tx(lang, 'setPassword')}</button>
        </form>`,
      error ? 400 : 200,
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
        const { challengeId, passkey } = await startAdminSignIn(services, field(c, 'nric'), field(c, 'password'), requesterOf(c));
        return codePage(c, challengeId, passkey);
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
        // Whether to offer the passkey again only shapes the page (the passkey route checks for itself).
        return codePage(c, challengeId, field(c, 'passkey') === '1', errorLines(L(c), error.code === 'not_found' ? new RoamSignError('otp_invalid') : error));
      }
    })
    .post(`${ADMIN}/sign-out`, session, async (c) => {
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
        const text = reasonText(L(c), outcome.reason);
        return dashboard(c, [text], '', { field: REGISTER_FIELD[outcome.reason] ?? 'nric', text });
      }
      // The new officer's row, found by the console's own search.
      return c.redirect(`${ADMIN}/officers?q=${outcome.nric}&ok=${outcome.status === 'created' ? 'registered' : 'updated'}`, 303);
    })
    .post(`${ADMIN}/admins`, signedIn, async (c) => {
      const admin = await adminOf(c);
      if (admin.role !== 'admin') throw new RoamSignError('forbidden');
      const role = field(c, 'role') as AdminRole;
      if (!['admin', 'sap', 'sa', 'ap'].includes(role)) throw new RoamSignError('bad_request', { reason: 'bad_role_agency' });
      try {
        // Nobody sees the first password: the new administrator sets it through a one-time e-mail link.
        const created = await createAdmin(
          services,
          { nric: field(c, 'nric'), name: field(c, 'name'), email: field(c, 'email'), role, agencyCode: role === 'admin' ? null : field(c, 'agency') || null },
          `admin:${admin.id}`,
        );
        await sendPasswordLink(services, created.id, `admin:${admin.id}`, 'new');
      } catch (error) {
        if (error instanceof RoamSignError && error.code === 'bad_request') return dashboard(c, errorLines(L(c), error));
        throw error;
      }
      return done(c, 'admin_created');
    })
    .post(`${ADMIN}/admins/:id/reset`, signedIn, async (c) => {
      const admin = await adminOf(c);
      const target = await findAdmin(services, c.req.param('id'));
      if (!target) throw new RoamSignError('not_found');
      if (!mayReset(admin, target)) throw new RoamSignError('forbidden', { reason: 'not_higher_role' });
      await sendPasswordLink(services, target.id, `admin:${admin.id}`, 'reset');
      return done(c, 'admin_reset');
    })
    // The own password: changed at will, and forced at the first sign-in after a printed one.
    .get(PASSWORD, session, async (c) => passwordPage(c, await adminOf(c)))
    .post(PASSWORD, session, async (c) => {
      const admin = await adminOf(c);
      try {
        await changeAdminPassword(services, admin.id, { current: field(c, 'current'), password: field(c, 'password'), confirm: field(c, 'confirm'), session: c.get('session')!.idHash, requester: requesterOf(c) });
      } catch (error) {
        if (error instanceof RoamSignError && error.code === 'bad_request') return passwordPage(c, admin, error);
        throw error;
      }
      return done(c, 'password_changed');
    })
    .get(`${PASSWORD}/set`, async (c) => setPasswordPage(c, c.req.query('token') ?? ''))
    .post(`${PASSWORD}/set`, async (c) => {
      const token = field(c, 'token');
      try {
        await usePasswordLink(services, token, field(c, 'password'), field(c, 'confirm'));
      } catch (error) {
        if (error instanceof RoamSignError && error.code === 'bad_request') return setPasswordPage(c, token, error);
        throw error;
      }
      return c.redirect(`${SIGN_IN}?ok=password_set`, 303);
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
                (k) => html`<tr data-passkey-id="${k.credentialId}" data-status="${k.status}"><td>${k.name}</td><td>${labels.passkeyStatus(lang, k.status)}</td><td>${formatTime(lang, k.createdAt)}</td><td>${formatTime(lang, k.lastUsedAt)}</td><td>
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
    });

  app.route('/', consoleRoutes(services, signedIn));
  app.route('/', adminClientRoutes(services, signedIn));
  app.onError(portalErrorHandler(true, services.log));
  return app;
}
