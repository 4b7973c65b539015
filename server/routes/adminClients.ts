import { Hono, type MiddlewareHandler } from 'hono';
import { html } from 'hono/html';
import { RoamSignError } from '../../shared/errors.js';
import { systemName } from '../../shared/systems.js';
import { createClient, listClients, revokeClient, rotateClientSecret, SCOPES, type ClientView, type Scope } from '../clients/index.js';
import { isDemoClient } from '../clients/demoClients.js';
import { actorOf, findAdmin, type AdminRow } from '../portal/adminPortal.js';
import { csrf, errorBox, field, formatTime, input, notice, okNotice, page, portalErrorHandler, select, type PortalContext, type PortalEnv } from '../portal/http.js';
import { tx } from '../portal/text.js';
import type { Services } from '../services.js';

const CLIENTS = '/portal/admin/clients';
const CLIENT_ID = /^[a-z][a-z0-9-]{1,80}$/;

/**
 * Systems' OAuth 2.0 clients in the administrator portal (issue 9: created, rotated and revoked
 * through the CLI and the portal). Systems are national, so only a national administrator manages
 * them. A secret is shown once, on the answer to the action that made it, and never stored.
 */
export function adminClientRoutes(services: Services, signedIn: MiddlewareHandler<PortalEnv>) {
  const L = (c: PortalContext) => c.get('lang');
  const nationalAdmin = async (c: PortalContext): Promise<AdminRow> => {
    const admin = await findAdmin(services, c.get('session')!.subjectId);
    if (!admin) throw new RoamSignError('unauthorized');
    if (admin.role !== 'admin') throw new RoamSignError('forbidden', { reason: 'national_admin_only' });
    return admin;
  };
  const view = (c: PortalContext, title: string, body: Parameters<typeof page>[2], status = 200) => c.html(page(c, title, body, { admin: true }), status as 200);
  const clientIdParam = (c: PortalContext) => {
    const id = c.req.param('id') ?? '';
    if (!CLIENT_ID.test(id)) throw new RoamSignError('bad_request', { reason: 'bad_client_id' });
    return id;
  };
  const findClient = async (id: string): Promise<ClientView> => {
    const [client] = await listClients(services, { clientId: id });
    if (!client) throw new RoamSignError('not_found', { clientId: id });
    return client;
  };
  const systemsOf = async () => (await services.db.orm.select({ id: services.db.t.systems.id }).from(services.db.t.systems)).map((s) => s.id).sort();

  /** The secret, once: the page that shows it is never cached. */
  const secretPage = (c: PortalContext, title: string, client: { clientId: string; system: string }, secret: string) => {
    const lang = L(c);
    c.header('Cache-Control', 'no-store');
    return view(
      c,
      title,
      html`${notice(tx(lang, 'clientSecretOnce'))}
        <dl id="client-secret"><dt>${tx(lang, 'system')}</dt><dd>${systemName(client.system)}</dd>
          <dt>client_id</dt><dd><code>${client.clientId}</code></dd><dt>client_secret</dt><dd><code>${secret}</code></dd></dl>
        <p><a href="${CLIENTS}">${tx(lang, 'clientsBack')}</a></p>`,
    );
  };

  const listPage = async (c: PortalContext, errors: string[] = [], typed: { system?: string; name?: string } = {}) => {
    const lang = L(c);
    const clients = await listClients(services);
    const systems = await systemsOf();
    const status = (x: ClientView) => (x.revokedAt ? tx(lang, 'clientRevoked') : tx(lang, 'clientActive'));
    return view(
      c,
      tx(lang, 'clients'),
      html`${okNotice(c)}${errorBox(errors)}<p><a href="/portal/admin">${tx(lang, 'home')}</a></p>
        <p>${tx(lang, 'clientsHelp')}</p>
        <table id="clients"><caption>${tx(lang, 'clients')}</caption>
          <thead><tr><th scope="col">client_id</th><th scope="col">${tx(lang, 'system')}</th><th scope="col">${tx(lang, 'name')}</th><th scope="col">${tx(lang, 'clientScopes')}</th>
            <th scope="col">${tx(lang, 'date')}</th><th scope="col">${tx(lang, 'status')}</th><th scope="col">${tx(lang, 'actions')}</th></tr></thead>
          <tbody>${clients.map(
            (x) => html`<tr data-client="${x.clientId}"><td><code>${x.clientId}</code></td><td>${systemName(x.system)}</td><td>${x.name}</td><td>${x.scopes.join(', ')}</td>
              <td>${formatTime(lang, Date.parse(x.createdAt))}${x.rotatedAt ? html`<br /><small>${tx(lang, 'clientRotatedAt')} ${formatTime(lang, Date.parse(x.rotatedAt))}</small>` : ''}</td>
              <td>${status(x)}</td>
              <td>${x.revokedAt
                ? ''
                : html`${isDemoClient(x.clientId) ? '' : html`<a href="${CLIENTS}/${x.clientId}/rotate">${tx(lang, 'clientRotate')}</a> `}<a href="${CLIENTS}/${x.clientId}/revoke">${tx(lang, 'clientRevoke')}</a>`}</td></tr>`,
          )}</tbody></table>
        <section aria-labelledby="new-client"><h2 id="new-client">${tx(lang, 'clientNew')}</h2>
          <form method="post" action="${CLIENTS}">${csrf(c)}
            ${select(tx(lang, 'system'), 'system', systems.map((s) => ({ value: s, label: systemName(s) })), typed.system ?? '')}
            ${input(tx(lang, 'clientName'), 'name', { required: false, maxlength: 120, value: typed.name ?? '', hint: tx(lang, 'clientNameHint') })}
            <fieldset><legend>${tx(lang, 'clientScopes')}</legend>
              ${SCOPES.map((s) => html`<p><input type="checkbox" id="f-scope-${s}" name="scope-${s}" value="1" checked /> <label for="f-scope-${s}" style="display:inline">${s}</label></p>`)}
            </fieldset>
            <button type="submit">${tx(lang, 'clientCreate')}</button>
          </form></section>`,
      errors.length ? 400 : 200,
    );
  };

  /** Rotating and revoking cut a system off until it is given the new secret: the administrator confirms first. */
  const confirmPage = async (c: PortalContext, action: 'rotate' | 'revoke') => {
    const lang = L(c);
    const client = await findClient(clientIdParam(c));
    if (client.revokedAt) return c.redirect(`${CLIENTS}?ok=client_already_revoked`, 303);
    return view(
      c,
      tx(lang, action === 'rotate' ? 'clientRotate' : 'clientRevoke'),
      html`<p id="consequence">${tx(lang, action === 'rotate' ? 'clientRotateConsequence' : 'clientRevokeConsequence')}</p>
        <dl><dt>client_id</dt><dd><code>${client.clientId}</code></dd><dt>${tx(lang, 'system')}</dt><dd>${systemName(client.system)}</dd><dt>${tx(lang, 'name')}</dt><dd>${client.name}</dd></dl>
        <form method="post" action="${CLIENTS}/${client.clientId}/${action}">${csrf(c)}
          <button type="submit">${tx(lang, action === 'rotate' ? 'clientRotate' : 'clientRevoke')}</button>
          <a href="${CLIENTS}">${tx(lang, 'cancel')}</a></form>`,
    );
  };

  const app = new Hono<PortalEnv>()
    .get(CLIENTS, signedIn, async (c) => {
      await nationalAdmin(c);
      return listPage(c);
    })
    .post(CLIENTS, signedIn, async (c) => {
      const admin = await nationalAdmin(c);
      const lang = L(c);
      const system = field(c, 'system');
      const name = field(c, 'name');
      const scopes: Scope[] = SCOPES.filter((s) => field(c, `scope-${s}`) !== '');
      if (scopes.length === 0) return listPage(c, [tx(lang, 'clientScopesRequired')], { system, name });
      try {
        const created = await createClient(services, { system, ...(name ? { name } : {}), scopes, actor: actorOf(admin).label });
        return secretPage(c, tx(lang, 'clientCreated'), created, created.clientSecret);
      } catch (error) {
        if (error instanceof RoamSignError && error.code === 'not_found') return listPage(c, [tx(lang, 'clientUnknownSystem')], { system, name });
        throw error;
      }
    })
    .get(`${CLIENTS}/:id/rotate`, signedIn, async (c) => {
      await nationalAdmin(c);
      return confirmPage(c, 'rotate');
    })
    .get(`${CLIENTS}/:id/revoke`, signedIn, async (c) => {
      await nationalAdmin(c);
      return confirmPage(c, 'revoke');
    })
    .post(`${CLIENTS}/:id/rotate`, signedIn, async (c) => {
      const admin = await nationalAdmin(c);
      const client = await findClient(clientIdParam(c));
      const rotated = await rotateClientSecret(services, { clientId: client.clientId, actor: actorOf(admin).label });
      return secretPage(c, tx(L(c), 'clientRotated'), { clientId: rotated.clientId, system: client.system }, rotated.clientSecret);
    })
    .post(`${CLIENTS}/:id/revoke`, signedIn, async (c) => {
      const admin = await nationalAdmin(c);
      const outcome = await revokeClient(services, { clientId: clientIdParam(c), actor: actorOf(admin).label });
      if (outcome === 'not_found') throw new RoamSignError('not_found');
      return c.redirect(`${CLIENTS}?ok=client_revoked`, 303);
    });
  app.onError(portalErrorHandler(true, services.log));
  return app;
}
