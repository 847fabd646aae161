import * as O from 'fp-ts/lib/Option.js';
import type { HttpRequest, HttpResponse } from '@grantor/core';
import { redirect } from '@grantor/core/extend';
import { queryParam, readForm } from '../forms.js';
import { issueAccountToken, redeemAccountToken } from '../people/account-tokens.js';
import { normalizeEmail } from '../people/directory.js';
import { hashPassword, passwordProblem, verifyPassword } from '../people/passwords.js';
import type { Session } from '../session.js';
import { accountPage, emailChangedPage, type GrantedApp } from './account-views.js';
import { checkLogin, isSignedIn, registryScopes, retryAfter, userAgentOf, type AccountDeps, type PagesDeps } from './deps.js';
import { descriptionsOf } from './scopes.js';
import { errorPage } from './html.js';
import { loginPage } from './views.js';


type Deps = PagesDeps & { readonly account: AccountDeps };
type Signed = Session & { readonly subject: string; readonly authTime: number };

const accountPaths = {
  home: '/account',
  login: '/account/login',
  password: '/account/password',
  email: '/account/email',
  confirmEmail: '/account/confirm-email',
  revoke: '/account/revoke',
  endSession: '/account/sessions/end',
  endAll: '/account/sessions/end-all',
  logout: '/account/logout',
} as const;

/** Notices after a form (by code, so nothing from the query string reaches the page). */
const notices: Readonly<Record<string, string>> = {
  password: 'Your password is changed. Your other sessions are signed out.',
  email: 'We sent a confirmation link to the new address. Your address changes when you follow it.',
  revoked: 'Access revoked: the application lost its tokens and will ask you again.',
  session: 'That session is signed out.',
};

const refused = (): HttpResponse => errorPage(403, 'Request refused', 'The form was not sent from this site. Go back and try again.');

const unwrap = async <A>(te: () => Promise<{ readonly _tag: 'Left'; readonly left: { readonly detail: string } } | { readonly _tag: 'Right'; readonly right: A }>): Promise<A> => {
  const r = await te();
  if (r._tag === 'Left') throw new Error(`account: ${r.left.detail}`);
  return r.right;
};

const see = (deps: PagesDeps, path: string, headers: Readonly<Record<string, string>> = {}): HttpResponse => redirect(`${deps.prefix}${path}`, 303, headers);

/** The person's remembered consents, with each client's name (a deleted client keeps its id). */
const grantedApps = async (deps: Deps, subject: string): Promise<GrantedApp[]> => {
  const out: GrantedApp[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 10; i++) {
    const page = await deps.account.consents.list({ subject, limit: 100, ...(cursor === undefined ? {} : { cursor }) });
    if (page._tag !== 'Done') throw new Error(`account: consents: ${page.error.code}`);
    for (const c of page.value.items) {
      const client = await deps.account.clients.get(c.clientId);
      out.push({ clientId: c.clientId, clientName: client._tag === 'Done' ? (client.value.clientName ?? c.clientId) : c.clientId, scope: c.scope, grantedAt: c.grantedAt });
    }
    cursor = page.value.next;
    if (cursor === undefined) break;
  }
  return out;
};

const show = async (deps: Deps, s: Signed, extra: { readonly notice?: string; readonly error?: string } = {}): Promise<HttpResponse> => {
  const account = await unwrap(deps.users.store.findBySubject(s.subject));
  if (O.isNone(account)) return errorPage(404, 'Not found', 'There is no account here.');
  const a = account.value;
  const name = a.claims['name'];
  return accountPage({
    base: `${deps.prefix}${accountPaths.home}`,
    csrf: s.csrf,
    username: a.username,
    ...(typeof name === 'string' ? { name } : {}),
    ...(a.email === undefined ? {} : { email: a.email }),
    emailVerified: a.emailVerified,
    apps: await grantedApps(deps, s.subject),
    sessions: (await deps.sessions.list(s.subject)).map((x) => ({ ...x, current: x.handle === s.handle })),
    descriptions: descriptionsOf(await registryScopes(deps)),
    ...extra,
  });
};

const signInForm = async (req: HttpRequest, deps: PagesDeps, error?: { readonly message: string; readonly status: number; readonly headers?: Readonly<Record<string, string>> }): Promise<HttpResponse> => {
  const { session, setCookie } = await deps.sessions.ensure(req);
  return loginPage(
    { action: `${deps.prefix}${accountPaths.login}`, csrf: session.csrf, clientName: 'your account', ...(error === undefined ? {} : { error: error.message }) },
    error?.status ?? 200,
    { ...(error?.headers ?? {}), ...(setCookie === undefined ? {} : { 'set-cookie': setCookie }) },
  );
};

/** The signed-in session of an account form with a valid CSRF token, else the response to send instead. */
const signedForm = async (req: HttpRequest, deps: Deps): Promise<{ readonly s: Signed; readonly form: Readonly<Record<string, string>> } | { readonly res: HttpResponse }> => {
  const form = readForm(req);
  const s = await deps.sessions.get(req);
  if (!isSignedIn(s) || (await deps.users.bySubject(s.subject)) === undefined) return { res: see(deps, accountPaths.home) };
  if (!deps.sessions.checkCsrf(s, form['csrf'])) return { res: refused() };
  return { s, form };
};

/** GET /account — the account page, or a sign-in form. */
const home = async (req: HttpRequest, deps: Deps): Promise<HttpResponse> => {
  const s = await deps.sessions.get(req);
  if (!isSignedIn(s) || (await deps.users.bySubject(s.subject)) === undefined) return signInForm(req, deps);
  const code = queryParam(req, 'done');
  const notice = code !== undefined && Object.prototype.hasOwnProperty.call(notices, code) ? notices[code] : undefined;
  return show(deps, s, notice === undefined ? {} : { notice });
};

/** POST /account/login — the same counted password check as the authorization pages. */
const login = async (req: HttpRequest, deps: Deps): Promise<HttpResponse> => {
  const form = readForm(req);
  const { session } = await deps.sessions.ensure(req);
  if (!deps.sessions.checkCsrf(session, form['csrf'])) return signInForm(req, deps, { message: 'Your session expired. Please sign in again.', status: 403 });
  const check = await checkLogin(deps, req, form['username'] ?? '', form['password'] ?? '');
  if (check._tag === 'Throttled') return signInForm(req, deps, { message: `Too many failed sign-ins for this account. Your password was not checked. Wait ${Math.ceil(check.retryAfterSeconds / 60)} minute(s) and try again.`, status: 429, headers: retryAfter(check.retryAfterSeconds) });
  if (check._tag === 'Wrong') return signInForm(req, deps, { message: 'Wrong username or password.', status: 401 });
  if (check._tag === 'Unverified') return signInForm(req, deps, { message: 'Your email address is not confirmed yet. Follow the link in the message we sent you, then sign in.', status: 403 });
  const signed = await deps.sessions.signIn(session, check.user.subject, Math.floor(deps.now()), userAgentOf(req));
  deps.logger.log('info', 'login', { sub: check.user.subject, page: 'account' });
  return see(deps, accountPaths.home, { 'set-cookie': signed.setCookie });
};

/** POST /account/password — the current password is required; the new one follows the sign-up rules. */
const changePassword = async (req: HttpRequest, deps: Deps): Promise<HttpResponse> => {
  const got = await signedForm(req, deps);
  if ('res' in got) return got.res;
  const { s, form } = got;
  const account = await unwrap(deps.users.store.findBySubject(s.subject));
  if (O.isNone(account)) return see(deps, accountPaths.home);
  if (!(await verifyPassword(account.value.passwordHash, form['current_password'] ?? ''))) return show(deps, s, { error: 'Your current password is not right. Nothing was changed.' });
  const problem = await passwordProblem(form['new_password'] ?? '', account.value.email, deps.people?.breached);
  if (problem !== undefined) return show(deps, s, { error: problem });
  await unwrap(deps.users.store.update(s.subject, { passwordHash: await hashPassword(form['new_password'] ?? '') }));
  // A changed password ends every other session (someone who knew the old one is signed out).
  await deps.sessions.endAll(s.subject, s.handle);
  deps.logger.log('info', 'password changed', { sub: s.subject });
  return see(deps, `${accountPaths.home}?done=password`);
};

/** RFC 5321 §4.5.3.1.3 length, one `@`, printable ASCII without spaces or angle brackets. */
const plausibleEmail = (email: string): boolean => email.length <= 254 && /^[!#-'*+\-./0-9=?A-Z^-~]+@[A-Za-z0-9.-]+$/.test(email) && !email.startsWith('.');

/** POST /account/email — mails a single-use link to the new address; the address changes when it is followed. */
const changeEmail = async (req: HttpRequest, deps: Deps): Promise<HttpResponse> => {
  const got = await signedForm(req, deps);
  if ('res' in got) return got.res;
  const { s, form } = got;
  const people = deps.people;
  if (people === undefined) return show(deps, s, { error: 'This server sends no mail, so the address cannot be changed here.' });
  const account = await unwrap(deps.users.store.findBySubject(s.subject));
  if (O.isNone(account)) return see(deps, accountPaths.home);
  if (!(await verifyPassword(account.value.passwordHash, form['current_password'] ?? ''))) return show(deps, s, { error: 'Your current password is not right. Nothing was changed.' });
  const typed = (form['email'] ?? '').trim();
  const email = normalizeEmail(typed);
  if (!plausibleEmail(email)) return show(deps, s, { error: 'Enter a valid email address.' });
  // The same page whether or not another account uses the address (no enumeration); the link then fails.
  const token = await issueAccountToken(people.tokens, 'change-email', s.subject, email, deps.now());
  await people.mailer.send({
    to: typed,
    subject: 'Confirm your new email address',
    text: `Hello,\n\nconfirm that this is the new address of your account by opening this link (it works once, for 24 hours):\n\n${people.publicBase}${accountPaths.confirmEmail}?token=${token}\n\nIf you did not ask for this, ignore this message.\n`,
  });
  deps.logger.log('info', 'email change requested', { sub: s.subject });
  return see(deps, `${accountPaths.home}?done=email`);
};

/** GET /account/confirm-email?token= — the new address becomes the account's, confirmed (the login name stays). */
const confirmEmail = async (req: HttpRequest, deps: Deps): Promise<HttpResponse> => {
  const back = `${deps.prefix}${accountPaths.home}`;
  const people = deps.people;
  if (people === undefined) return emailChangedPage(false, back);
  const record = await redeemAccountToken(people.tokens, queryParam(req, 'token') ?? '', 'change-email', deps.now());
  if (record === undefined) return emailChangedPage(false, back);
  const byName = await unwrap(deps.users.store.findByUsername(record.email));
  const taken = (await unwrap(deps.users.store.findByEmail(record.email))).some((a) => a.subject !== record.subject) || (O.isSome(byName) && byName.value.subject !== record.subject);
  const found = await unwrap(deps.users.store.findBySubject(record.subject));
  if (taken || O.isNone(found) || found.value.disabled) return emailChangedPage(false, back);
  const { email: _old, ...claims } = found.value.claims;
  await unwrap(deps.users.store.update(record.subject, { email: record.email, emailVerified: true, claims: found.value.origin === 'seed' ? { ...claims, email: record.email, email_verified: true } : claims }));
  deps.logger.log('info', 'email changed', { sub: record.subject });
  return emailChangedPage(true, back);
};

/** POST /account/revoke — forgets the consent for that client and revokes that client's tokens for this person. */
const revoke = async (req: HttpRequest, deps: Deps): Promise<HttpResponse> => {
  const got = await signedForm(req, deps);
  if ('res' in got) return got.res;
  const { s, form } = got;
  const clientId = form['client_id'];
  if (clientId === undefined || clientId === '') return show(deps, s, { error: 'Choose an application to revoke.' });
  const owner = { subject: s.subject, clientId };
  const consents = await deps.account.consents.revoke(owner);
  const tokens = await deps.account.tokens.revokeOf(owner);
  if (consents._tag !== 'Done' || tokens._tag !== 'Done') return show(deps, s, { error: 'The access could not be revoked. Try again.' });
  deps.logger.log('info', 'access revoked by user', { sub: s.subject, client: clientId, tokens: tokens.value });
  return see(deps, `${accountPaths.home}?done=revoked`);
};

/** POST /account/sessions/end — signs out one other session of this person. */
const endSession = async (req: HttpRequest, deps: Deps): Promise<HttpResponse> => {
  const got = await signedForm(req, deps);
  if ('res' in got) return got.res;
  await deps.sessions.endOne(got.s.subject, got.form['session'] ?? '');
  return see(deps, `${accountPaths.home}?done=session`);
};

/** POST /account/sessions/end-all — sign out everywhere: every session of this person, this one included. */
const endAll = async (req: HttpRequest, deps: Deps): Promise<HttpResponse> => {
  const got = await signedForm(req, deps);
  if ('res' in got) return got.res;
  const n = await deps.sessions.endAll(got.s.subject);
  deps.logger.log('info', 'signed out everywhere', { sub: got.s.subject, sessions: n });
  return see(deps, accountPaths.home, { 'set-cookie': deps.sessions.clearCookie });
};

/** POST /account/logout — ends this session. */
const logout = async (req: HttpRequest, deps: Deps): Promise<HttpResponse> => {
  const got = await signedForm(req, deps);
  if ('res' in got) return got.res;
  await deps.sessions.end(req);
  return see(deps, accountPaths.home, { 'set-cookie': deps.sessions.clearCookie });
};

type Handler = (req: HttpRequest, deps: Deps) => Promise<HttpResponse>;

const table: Readonly<Record<string, { readonly get?: Handler; readonly post?: Handler }>> = {
  [accountPaths.home]: { get: home },
  [accountPaths.login]: { post: login },
  [accountPaths.password]: { post: changePassword },
  [accountPaths.email]: { post: changeEmail },
  [accountPaths.confirmEmail]: { get: confirmEmail },
  [accountPaths.revoke]: { post: revoke },
  [accountPaths.endSession]: { post: endSession },
  [accountPaths.endAll]: { post: endAll },
  [accountPaths.logout]: { post: logout },
};

const methodsOf = (e: { readonly get?: Handler; readonly post?: Handler }): readonly string[] => [...(e.get === undefined ? [] : ['GET', 'HEAD']), ...(e.post === undefined ? [] : ['POST'])];

/** The account pages as router entries (undefined for other paths, or when the server runs without them). */
export const accountRoute = (path: string, deps: PagesDeps): { readonly methods: readonly string[]; readonly run: (req: HttpRequest) => Promise<HttpResponse> } | undefined => {
  const entry = Object.prototype.hasOwnProperty.call(table, path) ? table[path] : undefined;
  const account = deps.account;
  if (entry === undefined || account === undefined) return undefined;
  const full: Deps = { ...deps, account };
  const methods = methodsOf(entry);
  return {
    methods,
    run: (req) => {
      const h = req.method === 'POST' ? entry.post : entry.get;
      return h === undefined ? Promise.resolve(errorPage(405, 'Method not allowed', `Use ${methods.join(' or ')}.`)) : h(req, full);
    },
  };
};

/** The account pages' paths and methods (Fastify registers routes one by one). */
export const accountRoutePaths: readonly (readonly [string, readonly string[]])[] = Object.entries(table).map(([path, e]) => [path, methodsOf(e)]);
