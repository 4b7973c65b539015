import { Hono, type MiddlewareHandler } from 'hono';
import { html } from 'hono/html';
import { RoamSignError } from '../../shared/errors.js';
import { renewalDue } from '../lifecycle/renewalNotices.js';
import { refusalOf, type Refusal } from '../portal/formErrors.js';
import { csrf, errorBox, errorOpt, field, formatTime, hidden, input, notice, page, type PortalContext, type PortalEnv } from '../portal/http.js';
import { officerHome } from '../portal/officerPortal.js';
import { canRenewWithPasskey, renewWithPasskey, renewWithPinAndCode, startPasskeyRenewal, startRenewalCheck } from '../portal/officerRenewal.js';
import { PASSKEY_PAGE_CSP } from '../portal/passkeyScript.js';
import { errorLines, tx } from '../portal/text.js';
import type { Services } from '../services.js';

/**
 * The renewal banner (issue 21): on the officer's home page from 30 days before the certificate
 * ends (Malaysian time), and once it has ended; it links to /portal/renew.
 */
export function renewalBanner(c: PortalContext, certificate: { notAfter: number; revoked: boolean } | null, now: number) {
  const due = renewalDue(certificate, now);
  if (!due) return '';
  const lang = c.get('lang');
  const words = due.expired
    ? tx(lang, 'renewExpired', { date: formatTime(lang, due.notAfter) })
    : tx(lang, 'renewDue', { date: formatTime(lang, due.notAfter), days: due.daysLeft });
  return html`<div class="notice" role="alert" id="renewal-banner" data-days-left="${due.daysLeft}"><p>${words} <a href="/portal/renew">${tx(lang, 'renewCertificate')}</a></p></div>`;
}

/** /portal/renew: the officer renews with the signing PIN and an e-mailed code, or a passkey (a new key and certificate). */
export function portalRenewalRoutes(services: Services, officer: MiddlewareHandler<PortalEnv>) {
  const nricOf = (c: PortalContext) => c.get('session')!.subjectId;

  const renewPage = async (c: PortalContext, state: { challengeId?: string; refusal?: Refusal; sent?: boolean } = {}) => {
    const lang = c.get('lang');
    const home = await officerHome(services, nricOf(c));
    const r = state.refusal;
    const withPasskey = await canRenewWithPasskey(services, nricOf(c));
    if (withPasskey) c.header('Content-Security-Policy', PASSKEY_PAGE_CSP);
    return c.html(
      page(
        c,
        tx(lang, 'renewCertificate'),
        html`${r ? errorBox(r.lines, r.targets.map((name) => name && `f-${name}`)) : ''}${state.sent ? notice(tx(lang, 'securityCodeSent')) : ''}
          ${renewalBanner(c, home.certificate, services.now())}
          <p>${tx(lang, 'renewHint')}</p>
          ${home.certificate ? html`<p>${tx(lang, 'certificate')}: ${home.certificate.serial} — ${tx(lang, 'certValid')} ${formatTime(lang, home.certificate.notAfter)}</p>` : ''}
          <section aria-labelledby="security"><h2 id="security">${tx(lang, 'securityCheck')}</h2><p>${tx(lang, 'securityCheckHint')}</p>
            <button type="submit" form="renew-form" formaction="/portal/renew/code" formnovalidate class="secondary" id="send-code">${tx(lang, 'sendCode')}</button></section>
          <form method="post" action="/portal/renew" id="renew-form">${csrf(c)} ${hidden('challengeId', state.challengeId ?? field(c, 'challengeId'))}
            ${input(tx(lang, 'pin'), 'pin', { type: 'password', inputmode: 'numeric', autocomplete: 'current-password', maxlength: 12, ...errorOpt(r?.fields.pin) })}
            ${input(tx(lang, 'code'), 'code', { inputmode: 'numeric', autocomplete: 'one-time-code', pattern: '\\d{6}', maxlength: 6, ...errorOpt(r?.fields.code) })}
            <button type="submit">${tx(lang, 'renewCertificate')}</button>
          </form>
          ${withPasskey
            ? html`<section aria-labelledby="passkey-renew"><h2 id="passkey-renew">${tx(lang, 'or')} ${tx(lang, 'renewWithPasskey')}</h2>
                <input type="hidden" id="passkey-csrf" value="${c.get('session')?.csrfToken ?? ''}" />
                <button type="button" id="renew-passkey" data-passkey="sign-in" data-endpoint="/portal/renew/passkey" data-failed="${tx(lang, 'passkeyFailed')}">${tx(lang, 'renewWithPasskey')}</button>
                <p id="passkey-status" role="status" aria-live="polite"></p></section><script src="/portal/passkeys.js" defer></script>`
            : ''}`,
      ),
      r ? 400 : 200,
    );
  };

  const orRender = async (c: PortalContext, action: () => Promise<Response>, render: (refusal: Refusal) => Promise<Response>) => {
    try {
      return await action();
    } catch (error) {
      if (error instanceof RoamSignError && error.status < 500 && error.code !== 'unauthorized') return render(refusalOf(c.get('lang'), error));
      throw error;
    }
  };

  /** A JSON answer for the passkey script: the error code and its words, never a stack. */
  const jsonError = (c: PortalContext, error: unknown) => {
    if (!(error instanceof RoamSignError) || error.status >= 500) throw error;
    return c.json({ error: { code: error.code, message: errorLines(c.get('lang'), error).join(' ') } }, error.status as 400);
  };

  return new Hono<PortalEnv>()
    .get('/portal/renew', officer, (c) => renewPage(c))
    // Renewal with a passkey (the portal's passkey script runs the ceremony between these two posts).
    .post('/portal/renew/passkey/options', officer, async (c) => {
      try {
        return c.json(await startPasskeyRenewal(services, nricOf(c)));
      } catch (error) {
        return jsonError(c, error);
      }
    })
    .post('/portal/renew/passkey', officer, async (c) => {
      try {
        await renewWithPasskey(services, nricOf(c), { challengeId: field(c, 'challengeId'), response: field(c, 'response') });
        return c.json({ redirect: '/portal?ok=renewed' });
      } catch (error) {
        return jsonError(c, error);
      }
    })
    .post('/portal/renew/code', officer, (c) =>
      orRender(c, async () => renewPage(c, { challengeId: (await startRenewalCheck(services, nricOf(c))).challengeId, sent: true }), (refusal) => renewPage(c, { refusal })),
    )
    .post('/portal/renew', officer, (c) =>
      orRender(
        c,
        async () => {
          await renewWithPinAndCode(services, nricOf(c), { pin: field(c, 'pin'), challengeId: field(c, 'challengeId'), code: field(c, 'code') });
          return c.redirect('/portal?ok=renewed', 303);
        },
        (refusal) => renewPage(c, { refusal }),
      ),
    );
}
