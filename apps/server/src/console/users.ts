import { h } from '../pages/html.js';
import type { UserView } from '../people/user-admin.js';
import type { ConsoleDeps, ConsoleRoute, Ctx } from './deps.js';
import { actionButton, consolePage, csrfField, dataTable, failure, notice, pageSizeOf, pager, sizeSelect } from './views.js';

/** Console pages for local accounts: search, create, set a password, disable/enable, delete. */

const done: Readonly<Record<string, string>> = {
  created: 'The account is created.',
  disabled: 'The account is disabled; its tokens are revoked.',
  enabled: 'The account is enabled.',
  password: 'The password is set.',
  deleted: 'The account is deleted with its tokens and consents.',
};

const enc = encodeURIComponent;

const createForm = (ctx: Ctx, message?: string) =>
  h`${failure(message)}<form method="post" action="${ctx.frame.base}/users" class="card">${csrfField(ctx.frame)}
<label for="username">Username</label><input id="username" name="username" value="${ctx.form['username'] ?? ''}" autocomplete="off" required>
<label for="email">Email <span class="muted">(optional)</span></label><input id="email" name="email" type="email" value="${ctx.form['email'] ?? ''}" autocomplete="off">
<label for="name">Name <span class="muted">(optional)</span></label><input id="name" name="name" value="${ctx.form['name'] ?? ''}" autocomplete="off">
<label for="new-password">Password <span class="muted">(at least 8 characters)</span></label><input id="new-password" name="password" type="password" autocomplete="new-password" required>
<fieldset><legend>Options</legend><label><input type="checkbox" name="email_verified" value="1"> Email verified</label><label><input type="checkbox" name="admin" value="1"> Admin (may use this console)</label></fieldset>
<p><button type="submit">Create account</button></p></form>`;

const userRow = (ctx: Ctx, u: UserView) => {
  const path = `${ctx.frame.base}/users/${enc(u.subject)}`;
  return [
    u.username,
    h`<code>${u.subject}</code>`,
    u.email ?? '',
    h`${u.disabled ? h`<span class="badge bad">disabled</span>` : h`<span class="badge good">enabled</span>`}${u.admin ? h` <span class="badge">admin</span>` : ''}`,
    u.origin,
    h`<a href="${path}">Password…</a> ${
      u.disabled
        ? actionButton(ctx.frame, `${path}/enable`, 'Enable', { kind: 'secondary', title: `Enable ${u.username}` })
        : actionButton(ctx.frame, `${path}/disable`, 'Disable', { kind: 'secondary', title: `Disable ${u.username}` })
    }${actionButton(ctx.frame, `${path}/delete`, 'Delete', { kind: 'danger', title: `Delete ${u.username}` })}`,
  ];
};

export const userRoutes = (deps: ConsoleDeps): readonly ConsoleRoute[] => {
  const users = deps.users;
  const missing = (ctx: Ctx) => consolePage(ctx.frame, 'users', 'Users', failure('No such user.'), 404);
  return [
    {
      method: 'GET',
      path: '/users',
      run: async (ctx) => {
        const q = ctx.query;
        const limit = pageSizeOf(q.get('limit') ?? undefined);
        const search = q.get('search') ?? '';
        const cursor = q.get('cursor') ?? undefined;
        const page = await users.list({ limit, ...(search === '' ? {} : { search }), ...(cursor === undefined ? {} : { cursor }) });
        return consolePage(
          ctx.frame,
          'users',
          'Users',
          h`${notice(done[q.get('done') ?? ''])}<form method="get" action="${ctx.frame.base}/users" class="filters" role="search" aria-label="Search users">
<div><label for="search">Search</label><input id="search" name="search" value="${search}" placeholder="username or email"></div>${sizeSelect(limit)}<div><button type="submit">Search</button></div></form>
${dataTable('Users', ['Username', 'Subject', 'Email', 'Status', 'Origin', 'Actions'], page.items.map((u) => userRow(ctx, u)), 'No users match.')}
${pager(`${ctx.frame.base}/users`, { search, limit: String(limit) }, page.next, cursor !== undefined)}
<h2>Create an account</h2>${createForm({ ...ctx, form: {} })}`,
        );
      },
    },
    {
      method: 'POST',
      path: '/users',
      run: async (ctx) => {
        const f = ctx.form;
        const name = (f['name'] ?? '').trim();
        const email = (f['email'] ?? '').trim();
        const r = await users.create({
          username: f['username'] ?? '',
          password: f['password'] ?? '',
          ...(email === '' ? {} : { email }),
          ...(name === '' ? {} : { claims: { name } }),
          email_verified: f['email_verified'] === '1',
          admin: f['admin'] === '1',
        });
        if (r._tag !== 'Done') return consolePage(ctx.frame, 'users', 'Create an account', createForm(ctx, r._tag === 'Invalid' ? r.description : 'No such user.'), 400);
        return ctx.seeOther(`/users?${new URLSearchParams({ search: r.value.username, done: 'created' })}`);
      },
    },
    {
      method: 'GET',
      path: '/users/:id',
      run: async (ctx, [id = '']) => {
        const r = await users.get(id);
        if (r._tag !== 'Done') return missing(ctx);
        const u = r.value;
        return consolePage(
          ctx.frame,
          'users',
          `User ${u.username}`,
          h`${notice(done[ctx.query.get('done') ?? ''])}<dl class="card"><dt>Subject</dt><dd><code>${u.subject}</code></dd><dt>Email</dt><dd>${u.email ?? '—'} ${u.email_verified ? '(verified)' : ''}</dd><dt>Claims</dt><dd><code>${JSON.stringify(u.claims)}</code></dd></dl>
<h2>Set the password</h2><form method="post" action="${ctx.frame.base}/users/${enc(u.subject)}/password" class="card">${csrfField(ctx.frame)}<label for="new-password">New password <span class="muted">(at least 8 characters)</span></label><input id="new-password" name="password" type="password" autocomplete="new-password" required><p><button type="submit">Set password</button></p></form>
<p><a href="${ctx.frame.base}/users">Back to the users</a></p>`,
        );
      },
    },
    {
      method: 'POST',
      path: '/users/:id/password',
      run: async (ctx, [id = '']) => {
        const r = await users.setPassword(id, ctx.form['password'] ?? '');
        if (r._tag === 'Missing') return missing(ctx);
        if (r._tag === 'Invalid') return consolePage(ctx.frame, 'users', 'Set the password', h`${failure(r.description)}<p><a href="${ctx.frame.base}/users/${enc(id)}">Try again</a></p>`, 400);
        return ctx.seeOther(`/users/${enc(r.value.subject)}?done=password`);
      },
    },
    {
      method: 'POST',
      path: '/users/:id/disable',
      run: async (ctx, [id = '']) => ((await users.setDisabled(id, true))._tag === 'Done' ? ctx.seeOther('/users?done=disabled') : missing(ctx)),
    },
    {
      method: 'POST',
      path: '/users/:id/enable',
      run: async (ctx, [id = '']) => ((await users.setDisabled(id, false))._tag === 'Done' ? ctx.seeOther('/users?done=enabled') : missing(ctx)),
    },
    {
      method: 'POST',
      path: '/users/:id/delete',
      run: async (ctx, [id = '']) => {
        if (ctx.form['confirmed'] !== 'yes') {
          const found = await users.get(id);
          if (found._tag !== 'Done') return missing(ctx);
          return consolePage(
            ctx.frame,
            'users',
            'Delete an account?',
            h`<div class="card"><p>Delete <strong>${found.value.username}</strong> with their tokens and consents? This cannot be undone.</p>${actionButton(ctx.frame, `${ctx.frame.base}/users/${enc(id)}/delete`, 'Delete for good', { kind: 'danger', fields: { confirmed: 'yes' } })} <a href="${ctx.frame.base}/users">Cancel</a></div>`,
          );
        }
        return (await users.remove(id))._tag === 'Done' ? ctx.seeOther('/users?done=deleted') : missing(ctx);
      },
    },
  ];
};
