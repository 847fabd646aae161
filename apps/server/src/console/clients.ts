import { clientMetadataView, type Client } from '@grantor/core';
import { h } from '../pages/html.js';
import type { ConsoleDeps, ConsoleRoute, Ctx } from './deps.js';
import { actionButton, consolePage, csrfField, dataTable, failure, notice, pageSizeOf, pager, sizeSelect } from './views.js';

/** Console pages for clients: list with search and status filter, register (secret shown once), disable/enable, rotate the secret, delete. */

const done: Readonly<Record<string, string>> = {
  disabled: 'The client is disabled; its tokens are revoked.',
  enabled: 'The client is enabled.',
  deleted: 'The client is deleted with its tokens and consents.',
};

const grantChoices = ['authorization_code', 'refresh_token', 'client_credentials', 'urn:ietf:params:oauth:grant-type:device_code'] as const;
const authMethods = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'] as const;

const enc = encodeURIComponent;

const registerForm = (ctx: Ctx, message?: string) =>
  h`${failure(message)}<form method="post" action="${ctx.frame.base}/clients" class="card">${csrfField(ctx.frame)}
<label for="client_name">Name</label><input id="client_name" name="client_name" value="${ctx.form['client_name'] ?? ''}" required>
<fieldset><legend>Grant types</legend>${grantChoices.map(
    (g) => h`<label><input type="checkbox" name="grant_${g}" value="1"${ctx.form[`grant_${g}`] === '1' ? h` checked` : ''}> ${g.replace('urn:ietf:params:oauth:grant-type:', '')}</label>`,
  )}</fieldset>
<label for="redirect_uris">Redirect URIs <span class="muted">(space-separated; for authorization_code)</span></label><input id="redirect_uris" name="redirect_uris" value="${ctx.form['redirect_uris'] ?? ''}">
<label for="scope">Scope <span class="muted">(space-separated)</span></label><input id="scope" name="scope" value="${ctx.form['scope'] ?? ''}">
<label for="auth">Client authentication</label><select id="auth" name="token_endpoint_auth_method">${authMethods.map(
    (m) => h`<option value="${m}"${(ctx.form['token_endpoint_auth_method'] ?? 'client_secret_basic') === m ? h` selected` : ''}>${m}</option>`,
  )}</select>
<p><button type="submit">Register client</button></p></form>`;

const clientRow = (ctx: Ctx, c: Client) => {
  const path = `${ctx.frame.base}/clients/${enc(c.clientId)}`;
  return [
    h`<code>${c.clientId}</code>`,
    c.clientName ?? '',
    c.tokenEndpointAuthMethod,
    c.grantTypes.join(', '),
    c.scope.join(' '),
    c.disabled === true ? h`<span class="badge bad">disabled</span>` : h`<span class="badge good">enabled</span>`,
    h`${
      c.disabled === true
        ? actionButton(ctx.frame, `${path}/enable`, 'Enable', { kind: 'secondary', title: `Enable ${c.clientId}` })
        : actionButton(ctx.frame, `${path}/disable`, 'Disable', { kind: 'secondary', title: `Disable ${c.clientId}` })
    }${c.tokenEndpointAuthMethod.startsWith('client_secret') ? actionButton(ctx.frame, `${path}/rotate-secret`, 'Rotate secret', { kind: 'secondary', title: `Rotate the secret of ${c.clientId}` }) : ''}${actionButton(ctx.frame, `${path}/delete`, 'Delete', { kind: 'danger', title: `Delete ${c.clientId}` })}`,
  ];
};

export const clientRoutes = (deps: ConsoleDeps): readonly ConsoleRoute[] => {
  const ops = deps.operations.clients;
  return [
    {
      method: 'GET',
      path: '/clients',
      run: async (ctx) => {
        const q = ctx.query;
        const limit = pageSizeOf(q.get('limit') ?? undefined);
        const search = q.get('search') ?? '';
        const status = q.get('status') ?? '';
        const cursor = q.get('cursor') ?? undefined;
        const listed = await ops.list({ limit, ...(search === '' ? {} : { search }), ...(status === 'disabled' ? { disabled: true } : status === 'enabled' ? { disabled: false } : {}), ...(cursor === undefined ? {} : { cursor }) });
        if (listed._tag === 'Failed') return consolePage(ctx.frame, 'clients', 'Clients', failure(listed.error.description), 503);
        const page = listed.value;
        return consolePage(
          ctx.frame,
          'clients',
          'Clients',
          h`${notice(done[q.get('done') ?? ''])}<form method="get" action="${ctx.frame.base}/clients" class="filters" role="search" aria-label="Filter clients">
<div><label for="search">Search</label><input id="search" name="search" value="${search}" placeholder="client_id or name"></div>
<div><label for="status">Status</label><select id="status" name="status">${['', 'enabled', 'disabled'].map((s) => h`<option value="${s}"${s === status ? h` selected` : ''}>${s === '' ? 'any' : s}</option>`)}</select></div>
${sizeSelect(limit)}<div><button type="submit">Filter</button></div></form>
${dataTable('Clients', ['Client ID', 'Name', 'Authentication', 'Grants', 'Scope', 'Status', 'Actions'], page.items.map((c) => clientRow(ctx, c)), 'No clients match.')}
${pager(`${ctx.frame.base}/clients`, { search, status, limit: String(limit) }, page.next, cursor !== undefined)}
<h2 id="register">Register a client</h2>${registerForm({ ...ctx, form: {} })}`,
        );
      },
    },
    {
      method: 'POST',
      path: '/clients',
      run: async (ctx) => {
        const f = ctx.form;
        const grants = grantChoices.filter((g) => f[`grant_${g}`] === '1');
        const redirects = (f['redirect_uris'] ?? '').split(/\s+/).filter((x) => x !== '');
        const metadata = {
          client_name: f['client_name'] ?? '',
          grant_types: grants,
          response_types: grants.includes('authorization_code') ? ['code'] : [],
          redirect_uris: redirects,
          scope: (f['scope'] ?? '').trim(),
          token_endpoint_auth_method: f['token_endpoint_auth_method'] ?? 'client_secret_basic',
        };
        if (grants.length === 0) return consolePage(ctx.frame, 'clients', 'Register a client', registerForm(ctx, 'Choose at least one grant type.'), 400);
        const created = await ops.create(metadata);
        if (created._tag === 'Failed') return consolePage(ctx.frame, 'clients', 'Register a client', registerForm(ctx, created.error.description), 400);
        const view = clientMetadataView(created.value.client);
        const secret = created.value.clientSecret;
        return consolePage(
          ctx.frame,
          'clients',
          'Client registered',
          h`<div class="card"><p>Client ID: <code>${view['client_id']}</code></p>${
            secret === undefined
              ? h`<p>This client has no secret (${String(view['token_endpoint_auth_method'])}).</p>`
              : h`<p><strong>Client secret — copy it now, it is shown only once:</strong></p><output class="secret" aria-label="Client secret">${secret}</output>`
          }</div><p><a href="${ctx.frame.base}/clients">Back to the clients</a></p>`,
          201,
        );
      },
    },
    {
      method: 'POST',
      path: '/clients/:id/disable',
      run: async (ctx, [id = '']) => {
        const r = await ops.setDisabled(id, true);
        return r._tag === 'Failed' ? consolePage(ctx.frame, 'clients', 'Clients', failure(r.error.description), 404) : ctx.seeOther('/clients?done=disabled');
      },
    },
    {
      method: 'POST',
      path: '/clients/:id/enable',
      run: async (ctx, [id = '']) => {
        const r = await ops.setDisabled(id, false);
        return r._tag === 'Failed' ? consolePage(ctx.frame, 'clients', 'Clients', failure(r.error.description), 404) : ctx.seeOther('/clients?done=enabled');
      },
    },
    {
      method: 'POST',
      path: '/clients/:id/rotate-secret',
      run: async (ctx, [id = '']) => {
        const r = await ops.rotateSecret(id, {});
        if (r._tag === 'Failed') return consolePage(ctx.frame, 'clients', 'Clients', failure(r.error.description), 400);
        return consolePage(
          ctx.frame,
          'clients',
          'New client secret',
          h`<div class="card"><p>Client ID: <code>${r.value.clientId}</code></p><p><strong>New secret — copy it now, it is shown only once.</strong> The old secret no longer works.</p><output class="secret" aria-label="Client secret">${r.value.clientSecret}</output></div><p><a href="${ctx.frame.base}/clients">Back to the clients</a></p>`,
        );
      },
    },
    {
      method: 'POST',
      path: '/clients/:id/delete',
      run: async (ctx, [id = '']) => {
        if (ctx.form['confirmed'] !== 'yes') {
          return consolePage(
            ctx.frame,
            'clients',
            'Delete a client?',
            h`<div class="card"><p>Delete <code>${id}</code> with all its tokens and consents? This cannot be undone.</p>${actionButton(ctx.frame, `${ctx.frame.base}/clients/${enc(id)}/delete`, 'Delete for good', { kind: 'danger', fields: { confirmed: 'yes' } })} <a href="${ctx.frame.base}/clients">Cancel</a></div>`,
          );
        }
        const r = await ops.remove(id);
        return r._tag === 'Failed' ? consolePage(ctx.frame, 'clients', 'Clients', failure(r.error.description), 404) : ctx.seeOther('/clients?done=deleted');
      },
    },
  ];
};
