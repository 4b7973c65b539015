import { Hono } from 'hono';
import { html, raw } from 'hono/html';
import { retryAfterOf } from '../limits/refuseSpent.js';
import { RoamSignError } from '../../shared/errors.js';
import { labels } from '../../shared/i18n/labels.js';
import { formatAmount } from '../../shared/money.js';
import { SYSTEMS, SYSTEM_NAMES, systemName } from '../../shared/systems.js';
import {
  base,
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
  portalKit,
  requireSession,
  select,
  startSession,
  type PortalContext,
  type PortalEnv,
} from '../portal/http.js';
import {
  applyForCertificate,
  changePin,
  completeOfficerSignIn,
  completePinReset,
  officerHome,
  signingHistory,
  startApplicationCheck,
  startOfficerSignIn,
  startPinReset,
  updateProfile,
} from '../portal/officerPortal.js';
import { rememberDevice } from '../http/deviceCookie.js';
import { requesterReader } from '../http/requester.js';
import { refusalOf, type Refusal } from '../portal/formErrors.js';
import { errorLines, pinRuleList, tx } from '../portal/text.js';
import { verifyEmail } from '../portal/verification.js';
import { removePasskey, renamePasskey } from '../passkeys/managePasskeys.js';
import { completeOfficerPasskeySignIn, finishOfficerPasskeyRegistration, startOfficerPasskeyRegistration } from '../passkeys/officerPasskeys.js';
import { startPasskeySignIn } from '../passkeys/passkeySignIn.js';
import { listPasskeys } from '../passkeys/passkeyStore.js';
import { PASSKEY_PAGE_CSP, passkeyScript } from '../portal/passkeyScript.js';
import type { Services } from '../services.js';
import { adminRoutes } from './admin.js';
import { portalRenewalRoutes, renewalBanner } from './portalRenewal.js';

const SIGN_IN = '/portal/sign-in';

/** The officer portal (/portal) and, under it, the administrators' (/portal/admin). */
export function portalRoutes(services: Services) {
  const kit = portalKit(services);
  const officer = requireSession('officer', SIGN_IN);
  const nricOf = (c: PortalContext) => c.get('session')!.subjectId;
  const L = (c: PortalContext) => c.get('lang');
  const requesterOf = requesterReader(services.config);

  const pinRules = (c: PortalContext) => html`<section aria-labelledby="pin-rules"><h2 id="pin-rules">${tx(L(c), 'pinRulesTitle')}</h2><ul>${pinRuleList(L(c)).map((r) => html`<li>${r}</li>`)}</ul></section>`;
  // A PIN is never echoed back: only its error shows again.
  const pinFields = (c: PortalContext, first: 'pin' | 'newPin', refusal?: Refusal) => html`
    ${input(tx(L(c), first), 'pin', { type: 'password', inputmode: 'numeric', autocomplete: 'new-password', pattern: '\\d{6,12}', maxlength: 12, ...errorOpt(refusal?.fields.pin) })}
    ${input(tx(L(c), 'pinConfirm'), 'pinConfirm', { type: 'password', inputmode: 'numeric', autocomplete: 'new-password', pattern: '\\d{6,12}', maxlength: 12, ...errorOpt(refusal?.fields.pinConfirm) })}`;
  /**
   * A form re-shown after a post never echoes a PIN (issue 23 item 7): when one was typed, say that
   * it must be typed again, instead of emptying the fields silently.
   */
  const pinRetype = (c: PortalContext, ...names: string[]) => (c.req.method === 'POST' && names.some((name) => field(c, name) !== '') ? notice(tx(L(c), 'pinRetype')) : '');
  /** The summary of a refused form, each line a link to the field it is about. */
  const summary = (refusal?: Refusal) => (refusal ? errorBox(refusal.lines, refusal.targets.map((name) => name && `f-${name}`)) : '');

  /** A JSON answer for the passkey scripts: the error code and its words, never a stack. */
  const jsonError = (c: PortalContext, error: unknown) => {
    if (!(error instanceof RoamSignError) || error.status >= 500) throw error;
    const retryAfter = retryAfterOf(error);
    if (retryAfter) c.header('Retry-After', retryAfter);
    return c.json({ error: { code: error.code, message: errorLines(L(c), error).join(' ') } }, error.status as 400);
  };
  const passkeySignIn = (c: PortalContext, endpoint: string) => {
    c.header('Content-Security-Policy', PASSKEY_PAGE_CSP);
    return html`<section aria-labelledby="passkey-sign-in"><h2 id="passkey-sign-in">${tx(L(c), 'or')} ${tx(L(c), 'signInWithPasskey')}</h2>
      <button type="button" data-passkey="sign-in" data-endpoint="${endpoint}" data-failed="${tx(L(c), 'passkeyFailed')}">${tx(L(c), 'signInWithPasskey')}</button>
      <p id="passkey-status" role="status" aria-live="polite"></p></section><script src="/portal/passkeys.js" defer></script>`;
  };

  // ---- sign-in ----
  const signInPage = (c: PortalContext, errors: string[] = []) =>
    c.html(
      page(
        c,
        tx(L(c), 'signIn'),
        html`${c.req.query('ended') ? notice(tx(L(c), 'sessionEnded')) : ''}${okNotice(c)}${errorBox(errors)}
          <form method="post" action="${SIGN_IN}">
            ${input(tx(L(c), 'nric'), 'nric', { inputmode: 'numeric', autocomplete: 'username', hint: tx(L(c), 'nricHint'), maxlength: 14 })}
            <button type="submit">${tx(L(c), 'continue')}</button>
          </form>${passkeySignIn(c, `${SIGN_IN}/passkey`)}`,
      ),
      errors.length ? 400 : 200,
    );
  const codePage = (c: PortalContext, challengeId: string, errors: string[] = []) =>
    c.html(
      page(
        c,
        tx(L(c), 'signIn'),
        html`${errors.length ? errorBox(errors) : notice(tx(L(c), 'codeSent'))}
          <form method="post" action="${SIGN_IN}/code">
            ${hidden('challengeId', challengeId)}
            ${input(tx(L(c), 'code'), 'code', { inputmode: 'numeric', autocomplete: 'one-time-code', pattern: '\\d{6}', maxlength: 6 })}
            <button type="submit">${tx(L(c), 'signIn')}</button>
          </form>
          <p><a href="${SIGN_IN}">${tx(L(c), 'back')}</a></p>`,
      ),
      errors.length ? 401 : 200,
    );

  // ---- application form ----
  const applyPage = async (c: PortalContext, state: { challengeId?: string; refusal?: Refusal; sent?: boolean } = {}) => {
    const home = await officerHome(services, nricOf(c));
    // After a post (a refusal, or the code sent), the form shows what was typed, blanks included.
    const v = (name: string, fallback: string | null) => (c.req.method === 'POST' ? field(c, name) : (fallback ?? ''));
    const err = (name: string) => state.refusal?.fields[name];
    const lang = L(c);
    return c.html(
      page(
        c,
        tx(lang, 'apply'),
        html`${summary(state.refusal)}${state.sent ? notice(tx(lang, 'securityCodeSent')) : ''}${pinRetype(c, 'pin', 'pinConfirm')}
          ${home.officer.emailVerifiedAt === null ? errorBox(errorLines(lang, new RoamSignError('bad_request', { reason: 'email_not_verified' }))) : ''}
          ${pinRules(c)}
          <section aria-labelledby="security">
            <h2 id="security">${tx(lang, 'securityCheck')}</h2>
            <p>${tx(lang, 'securityCheckHint')}</p>
            <button type="submit" form="apply-form" formaction="/portal/apply/code" formnovalidate class="secondary" id="send-code">${tx(lang, 'sendCode')}</button>
          </section>
          <form method="post" action="/portal/apply" id="apply-form">
            ${csrf(c)} ${hidden('challengeId', state.challengeId ?? field(c, 'challengeId'))}
            ${select(tx(lang, 'system'), 'system', SYSTEMS.map((s) => ({ value: s, label: SYSTEM_NAMES[s] })), v('system', home.officer.system), 'f-system', err('system'))}
            ${pinFields(c, 'pin', state.refusal)}
            ${input(tx(lang, 'officeAddress'), 'officeAddress', { value: v('officeAddress', home.officer.officeAddress), autocomplete: 'street-address', maxlength: 500, ...errorOpt(err('officeAddress')) })}
            ${input(tx(lang, 'phone'), 'phone', { type: 'tel', value: v('phone', home.officer.phone), autocomplete: 'tel', ...errorOpt(err('phone')) })}
            ${input(tx(lang, 'code'), 'code', { inputmode: 'numeric', autocomplete: 'one-time-code', pattern: '\\d{6}', maxlength: 6, hint: tx(lang, 'securityCheck'), value: state.sent || err('code') ? '' : v('code', null), ...errorOpt(err('code')) })}
            <p><input type="checkbox" id="f-declaration" name="declaration" value="yes" required ${field(c, 'declaration') ? raw('checked') : ''}
              ${err('declaration') ? raw('aria-describedby="f-declaration-error" aria-invalid="true"') : ''} /> <label for="f-declaration" style="display:inline;font-weight:normal">${tx(lang, 'declaration')}</label>
              ${err('declaration') ? html`<small id="f-declaration-error" class="field-error">${err('declaration')}</small>` : ''}</p>
            <button type="submit">${tx(lang, 'submit')}</button>
          </form>`,
      ),
      state.refusal ? 400 : 200,
    );
  };

  // ---- PIN pages ----
  const pinPage = (c: PortalContext, state: { resetChallengeId?: string; refusal?: Refusal } = {}) => {
    const lang = L(c);
    const r = state.refusal;
    // The reset code is kept unless it is what was refused (a PIN-rule refusal does not use it up).
    const code = r && !r.fields.code ? field(c, 'code') : '';
    return c.html(
      page(
        c,
        tx(lang, 'changePin'),
        html`${summary(r)}${pinRetype(c, 'oldPin', 'newPin', 'pinConfirm')}${pinRules(c)}
          ${state.resetChallengeId
            ? html`<section aria-labelledby="reset"><h2 id="reset">${tx(lang, 'resetPin')}</h2>${notice(tx(lang, 'adminCodeSent'))}
                <form method="post" action="/portal/pin/reset">${csrf(c)} ${hidden('challengeId', state.resetChallengeId)}
                  ${input(tx(lang, 'code'), 'code', { inputmode: 'numeric', autocomplete: 'one-time-code', pattern: '\\d{6}', maxlength: 6, value: code, ...errorOpt(r?.fields.code) })}
                  ${pinFields(c, 'newPin', r)}
                  <button type="submit">${tx(lang, 'save')}</button></form></section>`
            : html`<section aria-labelledby="change"><h2 id="change">${tx(lang, 'changePin')}</h2>
                <form method="post" action="/portal/pin/change">${csrf(c)}
                  ${input(tx(lang, 'oldPin'), 'oldPin', { type: 'password', inputmode: 'numeric', autocomplete: 'current-password', maxlength: 12, ...errorOpt(r?.fields.oldPin) })}
                  ${pinFields(c, 'newPin', r)}
                  <button type="submit">${tx(lang, 'save')}</button></form></section>
              <section aria-labelledby="reset"><h2 id="reset">${tx(lang, 'resetPin')}</h2><p>${tx(lang, 'resetHint')}</p>
                <form method="post" action="/portal/pin/reset/code">${csrf(c)}<button type="submit" class="secondary">${tx(lang, 'sendCode')}</button></form></section>`}`,
      ),
      r ? 400 : 200,
    );
  };

  /** Runs a form action; a refusal re-renders the form with the reason in words. */
  async function orRender(c: PortalContext, action: () => Promise<Response>, render: (refusal: Refusal) => Response | Promise<Response>): Promise<Response> {
    try {
      return await action();
    } catch (error) {
      if (error instanceof RoamSignError && error.status < 500 && error.code !== 'forbidden' && error.code !== 'unauthorized') return render(refusalOf(L(c), error));
      throw error;
    }
  }

  const app = new Hono<PortalEnv>()
    .use('/portal/*', base(kit))
    .get(SIGN_IN, (c) => signInPage(c))
    .post(SIGN_IN, async (c) => {
      const nric = field(c, 'nric').replace(/-/g, '').trim();
      if (!/^\d{12}$/.test(nric)) return signInPage(c, errorLines(L(c), new RoamSignError('bad_request', { reason: 'bad_nric' })));
      const { challengeId } = await startOfficerSignIn(services, nric, requesterOf(c));
      return codePage(c, challengeId);
    })
    .post(`${SIGN_IN}/code`, async (c) => {
      const challengeId = field(c, 'challengeId');
      try {
        const nric = await completeOfficerSignIn(services, challengeId, field(c, 'code'));
        await startSession(kit, c, 'officer', nric);
        // This browser proved to be the officer: it keeps a budget of its own (docs/security.md).
        await rememberDevice(c, { db: services.db, publicUrl: services.config.publicUrl, subject: `officer:${nric}`, now: services.now() });
        return c.redirect('/portal', 303);
      } catch (error) {
        if (!(error instanceof RoamSignError) || error.status >= 500) throw error;
        // An unknown or used challenge reads as a wrong code: nothing tells who is registered.
        return codePage(c, challengeId, errorLines(L(c), error.code === 'not_found' ? new RoamSignError('otp_invalid') : error));
      }
    })
    .get('/portal/passkeys.js', async () => new Response(await passkeyScript(), { headers: { 'Content-Type': 'application/javascript; charset=utf-8', 'Cache-Control': 'public, max-age=300' } }))
    // Passkey sign-in (issue 11): a discoverable credential in place of MyKad number + e-mailed code.
    .post(`${SIGN_IN}/passkey/options`, async (c) => {
      try {
        return c.json(await startPasskeySignIn(services, { subjectType: 'officer', address: requesterOf(c).address }));
      } catch (error) {
        return jsonError(c, error);
      }
    })
    .post(`${SIGN_IN}/passkey`, async (c) => {
      try {
        const nric = await completeOfficerPasskeySignIn(services, { challengeId: field(c, 'challengeId'), response: field(c, 'response') });
        await startSession(kit, c, 'officer', nric);
        await rememberDevice(c, { db: services.db, publicUrl: services.config.publicUrl, subject: `officer:${nric}`, now: services.now() });
        return c.json({ redirect: '/portal' });
      } catch (error) {
        return jsonError(c, error);
      }
    })
    // The officer's passkeys (issue 11): add (PIN first), rename, remove.
    .get('/portal/passkeys', officer, async (c) => passkeysPage(c))
    .post('/portal/passkeys/options', officer, async (c) => {
      try {
        return c.json(await startOfficerPasskeyRegistration(services, nricOf(c), field(c, 'pin')));
      } catch (error) {
        return jsonError(c, error);
      }
    })
    .post('/portal/passkeys', officer, async (c) => {
      try {
        await finishOfficerPasskeyRegistration(services, nricOf(c), { challengeId: field(c, 'challengeId'), response: field(c, 'response'), name: field(c, 'name') });
        return c.json({ redirect: '/portal/passkeys?ok=passkey_added' });
      } catch (error) {
        return jsonError(c, error);
      }
    })
    .post('/portal/passkeys/:id/rename', officer, (c) =>
      orRender(
        c,
        async () => {
          await renamePasskey(services, { type: 'officer', id: nricOf(c) }, c.req.param('id'), field(c, 'name'));
          return c.redirect('/portal/passkeys?ok=passkey_renamed', 303);
        },
        (refusal) => passkeysPage(c, refusal.lines),
      ),
    )
    .post('/portal/passkeys/:id/remove', officer, async (c) => {
      await removePasskey(services, { type: 'officer', id: nricOf(c) }, c.req.param('id'));
      return c.redirect('/portal/passkeys?ok=passkey_removed', 303);
    })
    .post('/portal/sign-out', officer, async (c) => {
      await endSession(kit, c);
      return c.redirect(`${SIGN_IN}?ok=signed_out`, 303);
    })
    .get('/portal/verify', async (c) => {
      const token = c.req.query('token') ?? '';
      const lang = L(c);
      try {
        await verifyEmail(services, token);
        return c.html(page(c, tx(lang, 'verified'), html`${notice(tx(lang, 'verifiedOk'))}<p><a href="${SIGN_IN}">${tx(lang, 'signIn')}</a></p>`));
      } catch (error) {
        if (!(error instanceof RoamSignError)) throw error;
        return c.html(page(c, tx(lang, 'errorTitle'), errorBox(errorLines(lang, error))), error.status as 400);
      }
    })
    .get('/portal', officer, async (c) => {
      const lang = L(c);
      const h = await officerHome(services, nricOf(c));
      const o = h.officer;
      return c.html(
        page(
          c,
          o.name,
          html`${okNotice(c)}${renewalBanner(c, h.certificate, services.now())}
            <nav aria-label="${tx(lang, 'portalTitle')}"><ul>
              <li><a href="/portal/apply">${tx(lang, 'apply')}</a></li>
              ${h.certificate ? html`<li><a href="/portal/renew">${tx(lang, 'renewCertificate')}</a></li>` : ''}
              <li><a href="/portal/pin">${tx(lang, 'changePin')}</a></li>
              <li><a href="/portal/profile">${tx(lang, 'updateProfile')}</a></li>
              <li><a href="/portal/history">${tx(lang, 'history')}</a></li>
              <li><a href="/portal/passkeys">${tx(lang, 'passkeys')}</a></li>
            </ul></nav>
            <section aria-labelledby="profile"><h2 id="profile">${tx(lang, 'profile')}</h2><dl>
              <dt>${tx(lang, 'nric')}</dt><dd>${o.nric}</dd>
              <dt>${tx(lang, 'email')}</dt><dd>${o.email} (${o.emailVerifiedAt ? tx(lang, 'verified') : tx(lang, 'notVerified')})${h.pendingEmail ? html`<br />${h.pendingEmail} (${tx(lang, 'pendingEmail')})` : ''}</dd>
              <dt>${tx(lang, 'phone')}</dt><dd>${o.phone ?? '—'}</dd>
              <dt>${tx(lang, 'officeAddress')}</dt><dd>${o.officeAddress ?? '—'}</dd>
              <dt>${tx(lang, 'agency')}</dt><dd>${h.agencyName} (${o.agencyCode})</dd>
              <dt>${tx(lang, 'accountingOffice')}</dt><dd>${o.accountingOffice ?? '—'}</dd>
              <dt>${tx(lang, 'system')}</dt><dd>${o.system ? systemName(o.system) : '—'}</dd>
              <dt>${tx(lang, 'media')}</dt><dd>${o.media.map((m) => labels.medium(lang, m)).join(', ')}</dd>
              ${o.pinLockedAt !== null ? html`<dt>${tx(lang, 'status')}</dt><dd><strong>${tx(lang, 'locked')}</strong></dd>` : ''}
            </dl></section>
            <section aria-labelledby="application"><h2 id="application">${tx(lang, 'application')}</h2>
              ${h.application
                ? html`<p id="application-status" data-status="${h.application.status}">${tx(lang, `app_${h.application.status}`)} — ${formatTime(lang, h.application.createdAt)}${h.application.reason ? html`. ${tx(lang, 'reason')}: ${h.application.reason}` : ''}</p>`
                : html`<p>${tx(lang, 'noApplication')}</p>`}
            </section>
            <section aria-labelledby="certificate"><h2 id="certificate">${tx(lang, 'certificate')}</h2>
              ${h.certificate
                ? html`<p>${h.certificate.serial}: ${h.certificate.revoked ? tx(lang, 'certRevoked') : html`${tx(lang, 'certValid')} ${formatTime(lang, h.certificate.notAfter)}`}</p>`
                : html`<p>${tx(lang, 'noCertificate')}</p>`}
            </section>`,
        ),
      );
    })
    .route('/', portalRenewalRoutes(services, officer))
    .get('/portal/apply', officer, (c) => applyPage(c))
    .post('/portal/apply/code', officer, (c) =>
      orRender(c, async () => applyPage(c, { challengeId: (await startApplicationCheck(services, nricOf(c))).challengeId, sent: true }), (refusal) => applyPage(c, { refusal })),
    )
    .post('/portal/apply', officer, (c) =>
      orRender(
        c,
        async () => {
          await applyForCertificate(services, nricOf(c), {
            system: field(c, 'system'),
            pin: field(c, 'pin'),
            pinConfirm: field(c, 'pinConfirm'),
            officeAddress: field(c, 'officeAddress'),
            phone: field(c, 'phone'),
            challengeId: field(c, 'challengeId'),
            code: field(c, 'code'),
            declaration: field(c, 'declaration') !== '',
          });
          return c.redirect('/portal?ok=applied', 303);
        },
        (refusal) => applyPage(c, { refusal }),
      ),
    )
    .get('/portal/pin', officer, (c) => pinPage(c))
    .post('/portal/pin/change', officer, (c) =>
      orRender(
        c,
        async () => {
          await changePin(services, nricOf(c), field(c, 'oldPin'), field(c, 'pin'), field(c, 'pinConfirm'));
          return c.redirect('/portal?ok=pin_changed', 303);
        },
        (refusal) => pinPage(c, { refusal }),
      ),
    )
    .post('/portal/pin/reset/code', officer, (c) =>
      orRender(c, async () => pinPage(c, { resetChallengeId: (await startPinReset(services, nricOf(c))).challengeId }), (refusal) => pinPage(c, { refusal })),
    )
    .post('/portal/pin/reset', officer, (c) =>
      orRender(
        c,
        async () => {
          await completePinReset(services, nricOf(c), field(c, 'challengeId'), field(c, 'code'), field(c, 'pin'), field(c, 'pinConfirm'));
          return c.redirect('/portal?ok=pin_reset', 303);
        },
        (refusal) => pinPage(c, { resetChallengeId: field(c, 'challengeId'), refusal }),
      ),
    )
    .get('/portal/profile', officer, (c) => profilePage(c))
    .post('/portal/profile', officer, (c) =>
      orRender(
        c,
        async () => {
          const { emailPending } = await updateProfile(services, nricOf(c), { email: field(c, 'email'), phone: field(c, 'phone'), officeAddress: field(c, 'officeAddress') });
          return c.redirect(`/portal?ok=${emailPending ? 'email_pending' : 'profile'}`, 303);
        },
        (refusal) => profilePage(c, refusal),
      ),
    )
    .get('/portal/history', officer, async (c) => {
      const lang = L(c);
      const rows = await signingHistory(services, nricOf(c));
      return c.html(
        page(
          c,
          tx(lang, 'history'),
          rows.length
            ? html`<table><caption>${tx(lang, 'history')}</caption>
                <thead><tr><th scope="col">${tx(lang, 'date')}</th><th scope="col">${tx(lang, 'system')}</th><th scope="col">${tx(lang, 'documents')}</th><th scope="col">${tx(lang, 'status')}</th><th scope="col">${tx(lang, 'signatures')}</th></tr></thead>
                <tbody>${rows.map(
                  (r) => html`<tr data-request="${r.id}"><td>${formatTime(lang, r.signedAt ?? r.createdAt)}</td><td>${systemName(r.system)}</td>
                    <td>${r.documents.map((d) => html`${d.id}${d.title ? ` (${d.title})` : ''}${d.amount ? ` ${formatAmount(d.amount)}` : ''}<br />`)}</td>
                    <td data-status="${r.status}">${labels.requestStatus(lang, r.status)}</td><td>${r.signatures}</td></tr>`,
                )}</tbody></table>`
            : html`<p>${tx(lang, 'noHistory')}</p>`,
        ),
      );
    })
    .route('/', adminRoutes(services, kit));

  async function passkeysPage(c: PortalContext, errors: string[] = []) {
    const lang = L(c);
    const keys = await listPasskeys(services.db, { type: 'officer', id: nricOf(c) });
    c.header('Content-Security-Policy', PASSKEY_PAGE_CSP);
    return c.html(
      page(
        c,
        tx(lang, 'passkeys'),
        html`${okNotice(c)}${errorBox(errors)}<p>${tx(lang, 'passkeysHint')}</p>
          ${keys.length
            ? html`<table id="passkeys"><caption>${tx(lang, 'passkeys')}</caption>
                <thead><tr><th scope="col">${tx(lang, 'name')}</th><th scope="col">${tx(lang, 'status')}</th><th scope="col">${tx(lang, 'created')}</th><th scope="col">${tx(lang, 'lastUsed')}</th><th scope="col">${tx(lang, 'actions')}</th></tr></thead>
                <tbody>${keys.map(
                  (k, i) => html`<tr data-passkey-id="${k.credentialId}" data-status="${k.status}"><td>${k.name}</td><td>${labels.passkeyStatus(lang, k.status)}</td><td>${formatTime(lang, k.createdAt)}</td><td>${formatTime(lang, k.lastUsedAt)}</td><td>
                    ${k.status === 'revoked'
                      ? ''
                      : html`<form method="post" action="/portal/passkeys/${k.credentialId}/rename">${csrf(c)}${input(tx(lang, 'rename'), 'name', { value: k.name, maxlength: 60, id: `rename-${i}` })}<button type="submit" class="secondary">${tx(lang, 'rename')}</button></form>
                        <form method="post" action="/portal/passkeys/${k.credentialId}/remove" class="inline">${csrf(c)}<button type="submit" class="secondary" aria-label="${tx(lang, 'remove')}: ${k.name}">${tx(lang, 'remove')}</button></form>`}
                  </td></tr>`,
                )}</tbody></table>`
            : html`<p>${tx(lang, 'noPasskeys')}</p>`}
          <section aria-labelledby="add-passkey"><h2 id="add-passkey">${tx(lang, 'addPasskey')}</h2><p>${tx(lang, 'addPasskeyHint')}</p>
            <input type="hidden" id="passkey-csrf" value="${c.get('session')?.csrfToken ?? ''}" />
            ${input(tx(lang, 'pin'), 'pin', { type: 'password', inputmode: 'numeric', autocomplete: 'current-password', maxlength: 12, id: 'passkey-pin' })}
            ${input(tx(lang, 'passkeyName'), 'name', { maxlength: 60, id: 'passkey-name', required: false })}
            <button type="button" id="passkey-add" data-passkey="register" data-endpoint="/portal/passkeys" data-failed="${tx(lang, 'passkeyFailed')}">${tx(lang, 'addPasskey')}</button>
            <p id="passkey-status" role="status" aria-live="polite"></p>
          </section><script src="/portal/passkeys.js" defer></script>`,
      ),
      errors.length ? 400 : 200,
    );
  }

  async function profilePage(c: PortalContext, refusal?: Refusal) {
    const lang = L(c);
    const { officer: o, pendingEmail } = await officerHome(services, nricOf(c));
    // A refused update shows again with what was typed.
    const v = (name: string, stored: string) => (refusal ? field(c, name) : stored);
    const err = (name: string) => errorOpt(refusal?.fields[name]);
    return c.html(
      page(
        c,
        tx(lang, 'updateProfile'),
        html`${summary(refusal)}
          <form method="post" action="/portal/profile">${csrf(c)}
            ${input(tx(lang, 'email'), 'email', { type: 'email', value: v('email', pendingEmail ?? o.email), autocomplete: 'email', hint: tx(lang, 'newEmailHint'), ...err('email') })}
            ${input(tx(lang, 'phone'), 'phone', { type: 'tel', value: v('phone', o.phone ?? ''), autocomplete: 'tel', required: false, ...err('phone') })}
            ${input(tx(lang, 'officeAddress'), 'officeAddress', { value: v('officeAddress', o.officeAddress ?? ''), autocomplete: 'street-address', required: false, maxlength: 500, ...err('officeAddress') })}
            <button type="submit">${tx(lang, 'save')}</button>
          </form>`,
      ),
      refusal ? 400 : 200,
    );
  }

  app.onError(portalErrorHandler(false, services.log));
  return app;
}
