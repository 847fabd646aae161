import type { ResourceServer, ScopeDefinition } from '@grantor/core';
import { h } from '../pages/html.js';
import type { ConsoleDeps, ConsoleRoute, Ctx } from './deps.js';
import { actionButton, consolePage, csrfField, dataTable, failure, notice } from './views.js';

/**
 * Console pages for the scope registry (RFC 6749 §3.3 scopes: the consent page's words, which ones a person may
 * deselect) and the RFC 8707 resource registry. Names and identifiers travel in the query or a hidden field, never in
 * the path (a scope token or a URI may hold a slash).
 */

const done: Readonly<Record<string, string>> = {
  created: 'Added. The consent page and discovery show it at once.',
  saved: 'Saved. It applies from the next request.',
  removed: 'Removed.',
};

const enc = encodeURIComponent;

const scopeForm = (ctx: Ctx, action: string, scope: Partial<ScopeDefinition>, isNew: boolean, message?: string) =>
  h`${failure(message)}<form method="post" action="${action}" class="card">${csrfField(ctx.frame)}
${isNew ? h`<label for="name">Name <span class="muted">(a scope token, e.g. api:read)</span></label><input id="name" name="name" value="${scope.name ?? ''}" autocomplete="off" required spellcheck="false">` : h`<input type="hidden" name="name" value="${scope.name ?? ''}">`}
<label for="description">Description <span class="muted">(what the consent page tells a person)</span></label><input id="description" name="description" value="${scope.description ?? ''}" autocomplete="off" maxlength="500">
<fieldset><legend>Consent page</legend><label><input type="checkbox" name="optional" value="1"${scope.optional === true ? h` checked` : ''}> Optional: a person may deselect it (never for openid)</label></fieldset>
<p><button type="submit">${isNew ? 'Add scope' : 'Save scope'}</button></p></form>`;

const resourceForm = (ctx: Ctx, action: string, r: Partial<ResourceServer>, isNew: boolean, message?: string) => {
  const format = r.accessTokenFormat ?? '';
  return h`${failure(message)}<form method="post" action="${action}" class="card">${csrfField(ctx.frame)}
${isNew ? h`<label for="identifier">Identifier <span class="muted">(absolute URI, no fragment)</span></label><input id="identifier" name="identifier" type="url" value="${r.identifier ?? ''}" autocomplete="off" required spellcheck="false">` : h`<input type="hidden" name="identifier" value="${r.identifier ?? ''}">`}
<label for="scope">Scopes it accepts <span class="muted">(space-separated registered scopes; empty: every scope)</span></label><input id="scope" name="scope" value="${(r.scopes ?? []).join(' ')}" autocomplete="off" spellcheck="false">
<label for="format">Access-token format</label><select id="format" name="format">${[['', "The client's or the server's"], ['opaque', 'Opaque'], ['jwt', 'JWT (RFC 9068)']].map(([v = '', label = '']) => h`<option value="${v}"${v === format ? h` selected` : ''}>${label}</option>`)}</select>
<label for="lifetime">Access-token lifetime <span class="muted">(seconds; empty: the client's or the server's)</span></label><input id="lifetime" name="lifetime" inputmode="numeric" pattern="[0-9]*" value="${r.accessTokenLifetime === undefined ? '' : String(r.accessTokenLifetime)}" autocomplete="off">
<label for="introspectors">Clients that may introspect its tokens <span class="muted">(client ids, space-separated)</span></label><input id="introspectors" name="introspectors" value="${(r.clientIds ?? []).join(' ')}" autocomplete="off" spellcheck="false">
<p><button type="submit">${isNew ? 'Add resource' : 'Save resource'}</button></p></form>`;
};

/** The scope members of a submitted form. */
const scopeInput = (form: Readonly<Record<string, string>>) => ({ name: (form['name'] ?? '').trim(), description: (form['description'] ?? '').trim(), optional: form['optional'] === '1' });

/** The resource members of a submitted form (an empty field clears its member). */
const resourceInput = (form: Readonly<Record<string, string>>) => {
  const lifetime = (form['lifetime'] ?? '').trim();
  return {
    identifier: (form['identifier'] ?? '').trim(),
    scope: (form['scope'] ?? '').trim(),
    access_token_format: form['format'] === 'opaque' || form['format'] === 'jwt' ? (form['format'] as 'opaque' | 'jwt') : null,
    access_token_lifetime: lifetime === '' ? null : /^\d{1,9}$/.test(lifetime) ? Number(lifetime) : lifetime,
    introspection_client_ids: (form['introspectors'] ?? '').split(/[\s,]+/).filter((s) => s !== ''),
  };
};

/** A form's input shown again after a refusal (so nothing typed is lost). */
const asResource = (input: ReturnType<typeof resourceInput>): Partial<ResourceServer> => ({
  identifier: input.identifier,
  scopes: input.scope.split(' ').filter((s) => s !== ''),
  clientIds: input.introspection_client_ids,
  ...(input.access_token_format === null ? {} : { accessTokenFormat: input.access_token_format }),
  ...(typeof input.access_token_lifetime === 'number' ? { accessTokenLifetime: input.access_token_lifetime } : {}),
});

export const registryRoutes = (deps: ConsoleDeps): readonly ConsoleRoute[] => {
  const ops = deps.operations;
  const scopesPage = async (ctx: Ctx, status = 200, message?: string) => {
    const listed = await ops.scopes.list();
    if (listed._tag === 'Failed') return consolePage(ctx.frame, 'scopes', 'Scopes', failure(listed.error.description), 503);
    const rows = listed.value.map((s) => [
      h`<code>${s.name}</code>`,
      s.description ?? '',
      s.optional ? h`<span class="badge">optional</span>` : h`<span class="badge good">required</span>`,
      h`<a href="${ctx.frame.base}/scopes/edit?name=${enc(s.name)}" aria-label="${`Edit ${s.name}`}">Edit…</a> ${actionButton(ctx.frame, `${ctx.frame.base}/scopes/remove`, 'Remove', { kind: 'danger', fields: { name: s.name }, title: `Remove ${s.name}` })}`,
    ]);
    return consolePage(
      ctx.frame,
      'scopes',
      'Scopes',
      h`${notice(done[ctx.query.get('done') ?? ''])}<p class="muted">A client may only be given registered scopes. The consent page shows each requested scope with its description; a person may deselect the optional ones.</p>
${dataTable('Scopes', ['Scope', 'Description', 'Consent', 'Actions'], rows, 'No scopes yet.')}
<h2>Add a scope</h2>${scopeForm(ctx, `${ctx.frame.base}/scopes`, status === 200 ? {} : scopeInput(ctx.form), true, message)}`,
      status,
    );
  };
  const resourcesPage = async (ctx: Ctx, status = 200, message?: string) => {
    const listed = await ops.resources.list();
    if (listed._tag === 'Failed') return consolePage(ctx.frame, 'resources', 'Resources', failure(listed.error.description), 503);
    const rows = listed.value.map((r) => [
      h`<code>${r.identifier}</code>`,
      r.scopes.length === 0 ? h`<span class="muted">every scope</span>` : h`<code>${r.scopes.join(' ')}</code>`,
      r.accessTokenFormat ?? h`<span class="muted">default</span>`,
      r.accessTokenLifetime === undefined ? h`<span class="muted">default</span>` : `${r.accessTokenLifetime} s`,
      r.clientIds.join(' '),
      h`<a href="${ctx.frame.base}/resources/edit?identifier=${enc(r.identifier)}" aria-label="${`Edit ${r.identifier}`}">Edit…</a> ${actionButton(ctx.frame, `${ctx.frame.base}/resources/remove`, 'Remove', { kind: 'danger', fields: { identifier: r.identifier }, title: `Remove ${r.identifier}` })}`,
    ]);
    return consolePage(
      ctx.frame,
      'resources',
      'Resources',
      h`${notice(done[ctx.query.get('done') ?? ''])}<p class="muted">Protected resources (RFC 8707): a token requested with <code>resource</code> gets it as its audience, only the scopes it accepts, and its format and lifetime.</p>
${dataTable('Resources', ['Identifier', 'Scopes', 'Format', 'Lifetime', 'Introspectors', 'Actions'], rows, 'No resources yet.')}
<h2>Add a resource</h2>${resourceForm(ctx, `${ctx.frame.base}/resources`, status === 200 ? {} : asResource(resourceInput(ctx.form)), true, message)}`,
      status,
    );
  };
  return [
    { method: 'GET', path: '/scopes', run: (ctx) => scopesPage(ctx) },
    {
      method: 'POST',
      path: '/scopes',
      run: async (ctx) => {
        const created = await ops.scopes.create(scopeInput(ctx.form));
        return created._tag === 'Done' ? ctx.seeOther('/scopes?done=created') : scopesPage(ctx, 400, created.error.description);
      },
    },
    {
      method: 'GET',
      path: '/scopes/edit',
      run: async (ctx) => {
        const listed = await ops.scopes.list();
        const scope = listed._tag === 'Done' ? listed.value.find((s) => s.name === ctx.query.get('name')) : undefined;
        if (scope === undefined) return consolePage(ctx.frame, 'scopes', 'Scopes', failure('No such scope.'), 404);
        return consolePage(ctx.frame, 'scopes', `Scope ${scope.name}`, h`${scopeForm(ctx, `${ctx.frame.base}/scopes/edit`, scope, false)}<p><a href="${ctx.frame.base}/scopes">Back to the scopes</a></p>`);
      },
    },
    {
      method: 'POST',
      path: '/scopes/edit',
      run: async (ctx) => {
        const { name, ...changes } = scopeInput(ctx.form);
        const saved = await ops.scopes.update(name, changes);
        if (saved._tag === 'Done') return ctx.seeOther('/scopes?done=saved');
        return consolePage(ctx.frame, 'scopes', `Scope ${name}`, scopeForm(ctx, `${ctx.frame.base}/scopes/edit`, { name, ...changes }, false, saved.error.description), saved.error.code === 'not_found' ? 404 : 400);
      },
    },
    {
      method: 'POST',
      path: '/scopes/remove',
      run: async (ctx) => {
        const removed = await ops.scopes.remove(ctx.form['name'] ?? '');
        return removed._tag === 'Done' ? ctx.seeOther('/scopes?done=removed') : consolePage(ctx.frame, 'scopes', 'Scopes', h`${failure(removed.error.description)}<p><a href="${ctx.frame.base}/scopes">Back to the scopes</a></p>`, 400);
      },
    },
    { method: 'GET', path: '/resources', run: (ctx) => resourcesPage(ctx) },
    {
      method: 'POST',
      path: '/resources',
      run: async (ctx) => {
        const created = await ops.resources.create(resourceInput(ctx.form));
        return created._tag === 'Done' ? ctx.seeOther('/resources?done=created') : resourcesPage(ctx, 400, created.error.description);
      },
    },
    {
      method: 'GET',
      path: '/resources/edit',
      run: async (ctx) => {
        const listed = await ops.resources.list();
        const resource = listed._tag === 'Done' ? listed.value.find((r) => r.identifier === ctx.query.get('identifier')) : undefined;
        if (resource === undefined) return consolePage(ctx.frame, 'resources', 'Resources', failure('No such resource.'), 404);
        return consolePage(ctx.frame, 'resources', 'Resource', h`<p><code>${resource.identifier}</code></p>${resourceForm(ctx, `${ctx.frame.base}/resources/edit`, resource, false)}<p><a href="${ctx.frame.base}/resources">Back to the resources</a></p>`);
      },
    },
    {
      method: 'POST',
      path: '/resources/edit',
      run: async (ctx) => {
        const { identifier, ...changes } = resourceInput(ctx.form);
        const saved = await ops.resources.update(identifier, changes);
        if (saved._tag === 'Done') return ctx.seeOther('/resources?done=saved');
        return consolePage(ctx.frame, 'resources', 'Resource', resourceForm(ctx, `${ctx.frame.base}/resources/edit`, asResource({ identifier, ...changes }), false, saved.error.description), saved.error.code === 'not_found' ? 404 : 400);
      },
    },
    {
      method: 'POST',
      path: '/resources/remove',
      run: async (ctx) => {
        const removed = await ops.resources.remove(ctx.form['identifier'] ?? '');
        return removed._tag === 'Done' ? ctx.seeOther('/resources?done=removed') : consolePage(ctx.frame, 'resources', 'Resources', h`${failure(removed.error.description)}<p><a href="${ctx.frame.base}/resources">Back to the resources</a></p>`, 400);
      },
    },
  ];
};
