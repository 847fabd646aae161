import type { HttpRequest, HttpResponse, Route } from '@grantor/core';
import { redirect } from '@grantor/core/extend';
import { readForm } from '../forms.js';
import type { Pages } from '../pages/router.js';
import { h } from '../pages/html.js';
import { attempt, byAddress } from '../throttle.js';
import { csrfOk, sameOrigin, type AdminSession } from './auth.js';
import type { ConsoleDeps, ConsoleRoute, Ctx } from './deps.js';
import { clientRoutes } from './clients.js';
import { listRoutes } from './lists.js';
import { userRoutes } from './users.js';
import { registryRoutes } from './registry.js';
import { failure, plainPage } from './views.js';
import { createHash, timingSafeEqual } from 'node:crypto';

const sha = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

const loginForm = (deps: ConsoleDeps, base: string, field: string, message?: string): Markup =>
  h`${failure(message)}<form method="post" action="${base}/login" class="card"><input type="hidden" name="csrf" value="${field}">
<label for="username">Username</label><input id="username" name="username" autocomplete="username" autofocus>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password">
${deps.bootstrapToken === undefined ? '' : h`<p class="muted">Or leave the username empty and give the ADMIN_TOKEN as the password.</p>`}
<p><button type="submit">Sign in</button></p></form><p class="muted">Accounts with the admin flag (<code>grantor user update NAME --admin</code>) may sign in here.</p>`;
type Markup = ReturnType<typeof h>;

export const createConsole = (deps: ConsoleDeps): Pages => {
  const base = `${deps.prefix}/admin/console`;
  const table: readonly ConsoleRoute[] = [...clientRoutes(deps), ...registryRoutes(deps), ...listRoutes(deps), ...userRoutes(deps)];
  const compiled = table.map((r) => ({ ...r, pattern: new RegExp(`^/admin/console${r.path.replace(/:[a-z]+/g, '([^/]+)')}$`) }));

  const showLogin = (status: number, message?: string): HttpResponse => {
    const pair = deps.sessions.loginForm();
    return plainPage(status, 'Sign in to the admin console', loginForm(deps, base, pair.field, message), { 'set-cookie': pair.setCookie });
  };

  /** Sign-in: the bootstrap token (empty username) or an admin account's password, counted on the sign-in limits first. */
  const login = async (req: HttpRequest): Promise<HttpResponse> => {
    const form = readForm(req);
    if (!sameOrigin(req, deps.issuer) || !deps.sessions.checkLoginForm(req, form['csrf'])) return showLogin(403, 'The form expired. Sign in again.');
    const username = (form['username'] ?? '').trim();
    const password = form['password'] ?? '';
    const ip = req.remoteAddress ?? 'unknown';
    const t = deps.throttles.login;
    const key = username === '' ? '\u0000admin-token' : username;
    const counted = await attempt([[t.perAccount, key], [t.perAccountAddress, `${ip}\u0000${key}`], ...byAddress(deps.throttles, t.perAddress, req.remoteAddress)]);
    if (counted.verdict._tag === 'Refused') return showLogin(429, 'Too many attempts. Wait a while, then try again.');
    let who: { readonly name: string; readonly subject?: string } | undefined;
    if (username === '') {
      const expected = deps.bootstrapToken;
      if (expected !== undefined && password !== '' && timingSafeEqual(sha(password), sha(expected))) who = { name: 'bootstrap token' };
    } else {
      const checked = await deps.directory.check(username, password);
      if (checked._tag !== 'Wrong') {
        const subject = checked._tag === 'Ok' ? checked.user.subject : checked.account.subject;
        const account = await deps.users.get(subject);
        if (account._tag === 'Done' && account.value.admin && !account.value.disabled) who = { name: `user ${account.value.username}`, subject };
      }
    }
    if (who === undefined) {
      deps.logger.log('warn', 'admin console: sign-in refused', { username: username.slice(0, 64) });
      return showLogin(401, 'Wrong credentials, or the account is not an admin.');
    }
    await counted.forgive();
    const opened = await deps.sessions.open(who.name, who.subject, req.headers['user-agent']);
    deps.logger.log('info', 'admin console: signed in', { by: who.name });
    return redirect(`${base}/clients`, 303, { 'set-cookie': opened.setCookie });
  };

  /** The session of a request, if its account (for a user) is still an enabled admin. */
  const current = async (req: HttpRequest): Promise<AdminSession | undefined> => {
    const s = await deps.sessions.get(req);
    if (s === undefined || s.subject === undefined) return s;
    const account = await deps.users.get(s.subject);
    return account._tag === 'Done' && account.value.admin && !account.value.disabled ? s : undefined;
  };

  const handle = async (req: HttpRequest): Promise<HttpResponse> => {
    try {
      if (req.path === '/admin' || req.path === '/admin/' || req.path === '/admin/console' || req.path === '/admin/console/') {
        return redirect(`${base}/clients`, 303);
      }
      if (req.path === '/admin/console/login') {
        if (req.method === 'POST') return await login(req);
        if (req.method === 'GET' || req.method === 'HEAD') return showLogin(200);
        return plainPage(405, 'Method not allowed', h`<p>Use GET or POST.</p>`, { allow: 'GET, HEAD, POST' });
      }
      const session = await current(req);
      if (req.path === '/admin/console/logout' && req.method === 'POST') {
        const form = readForm(req);
        if (session !== undefined && (!sameOrigin(req, deps.issuer) || !csrfOk(session, form['csrf']))) return plainPage(403, 'Refused', failure('The form expired. Go back and try again.'));
        const cleared = await deps.sessions.close(req);
        return redirect(`${base}/login`, 303, { 'set-cookie': cleared });
      }
      const candidates = compiled.filter((r) => r.pattern.test(req.path));
      if (candidates.length === 0) return plainPage(404, 'Not found', h`<p>There is no console page here. <a href="${base}/clients">Clients</a></p>`);
      const method = req.method === 'HEAD' ? 'GET' : req.method;
      const chosen = candidates.find((r) => r.method === method);
      if (chosen === undefined) return plainPage(405, 'Method not allowed', h`<p>Use ${candidates.map((c) => c.method).join(' or ')}.</p>`, { allow: candidates.map((c) => c.method).join(', ') });
      if (session === undefined) {
        if (method === 'GET') return redirect(`${base}/login`, 303);
        return showLogin(401, 'Sign in first.');
      }
      const form = method === 'POST' ? readForm(req) : {};
      if (method === 'POST' && (!sameOrigin(req, deps.issuer) || !csrfOk(session, form['csrf']))) {
        return plainPage(403, 'Refused', h`${failure('This form is not from your console session (CSRF check). Go back, reload and try again.')}<p><a href="${base}/clients">Back to the console</a></p>`);
      }
      const params = (chosen.pattern.exec(req.path) ?? []).slice(1).map((p) => {
        try {
          return decodeURIComponent(p);
        } catch {
          return p;
        }
      });
      const ctx: Ctx = {
        req,
        form,
        query: new URLSearchParams(req.query),
        session,
        frame: { base, csrf: session.csrf, who: session.who },
        seeOther: (path) => redirect(`${base}${path}`, 303),
      };
      const res = await chosen.run(ctx, params);
      if (method === 'POST') deps.logger.log('info', 'admin console', { by: session.who, path: req.path, status: res.status });
      return res;
    } catch (cause) {
      deps.logger.log('error', 'admin console failed', { path: req.path, cause: String(cause) });
      return plainPage(500, 'Something went wrong', failure('The operation failed. Try again.'));
    }
  };

  const paths = ['/admin', '/admin/console', '/admin/console/login', '/admin/console/logout', ...new Set(table.map((r) => `/admin/console${r.path}`))];
  const methodsOf = (path: string): string[] => {
    if (path === '/admin' || path === '/admin/console') return ['GET', 'HEAD'];
    if (path === '/admin/console/login') return ['GET', 'HEAD', 'POST'];
    if (path === '/admin/console/logout') return ['POST'];
    const ms = table.filter((r) => `/admin/console${r.path}` === path).map((r) => r.method);
    return ms.includes('GET') ? [...ms, 'HEAD'] : ms;
  };
  const routes: Route[] = paths.map((path) => ({ path, methods: methodsOf(path), handle }));
  return {
    routes,
    matches: (path) => path === '/admin' || path === '/admin/' || path === '/admin/console' || path === '/admin/console/' || path.startsWith('/admin/console/'),
    handle,
  };
};
