import { randomBytes, randomUUID } from 'node:crypto';
import * as O from 'fp-ts/lib/Option.js';
import type { HttpRequest, HttpResponse } from '@grantor/core';
import type { UserAccount } from '@grantor/core/extend';
import { queryParam, readForm } from '../forms.js';
import { issueAccountToken, redeemAccountToken } from '../people/account-tokens.js';
import { normalizeEmail } from '../people/directory.js';
import type { PeopleDeps } from '../people/deps.js';
import { hashPassword, passwordProblem } from '../people/passwords.js';
import type { PagesDeps } from './deps.js';
import { errorPage } from './html.js';
import { checkInboxPage, forgotPage, resetDonePage, resetPage, resetSentPage, signupPage, unverifiedPage, verifiedPage } from './people-views.js';


type Deps = PagesDeps & { readonly people: PeopleDeps };

const toList = <A>(o: O.Option<A>): readonly A[] => (O.isSome(o) ? [o.value] : []);

/** Paths of the pages, relative to the issuer's path. */
const peoplePaths = {
  signup: '/signup',
  resend: '/signup/resend',
  verify: '/verify-email',
  forgot: '/forgot-password',
  reset: '/reset-password',
} as const;

/** An interaction id as the login page passes it on (base64url-ish); anything else is dropped. */
const interactionOf = (v: string | undefined): string | undefined => (v !== undefined && /^[A-Za-z0-9_-]{1,128}$/.test(v) ? v : undefined);

const backTo = (deps: PagesDeps, interaction: string | undefined): string | undefined =>
  interaction === undefined ? undefined : `${deps.prefix}/interaction/${interaction}`;

const withQuery = (path: string, params: Readonly<Record<string, string | undefined>>): string => {
  const q = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined)).toString();
  return q === '' ? path : `${path}?${q}`;
};

/** The login page's links (text "Create account" / "Forgot your password?"): undefined when the mode hides them. */
export const loginLinks = (deps: PagesDeps, interaction: string): { readonly signup?: string; readonly forgot?: string } =>
  deps.people === undefined
    ? {}
    : {
        ...(deps.people.signup === 'open' ? { signup: withQuery(`${deps.prefix}${peoplePaths.signup}`, { interaction }) } : {}),
        forgot: withQuery(`${deps.prefix}${peoplePaths.forgot}`, { interaction }),
      };

/** RFC 5321 §4.5.3.1.3 length, one `@`, printable ASCII without spaces or angle brackets (the mail stays 7-bit). */
const plausibleEmail = (email: string): boolean => email.length <= 254 && /^[!#-'*+\-./0-9=?A-Z^-~]+@[A-Za-z0-9.-]+$/.test(email) && !email.startsWith('.');

const cookie = (setCookie: string | undefined): Readonly<Record<string, string>> => (setCookie === undefined ? {} : { 'set-cookie': setCookie });

const link = (deps: Deps, path: string, params: Readonly<Record<string, string | undefined>>): string => withQuery(`${deps.people.publicBase}${path}`, params);

/** Mails a verification link for the account's address (`to`: the address as typed; the token names the stored one). */
const sendVerification = async (deps: Deps, account: UserAccount, to: string, interaction: string | undefined): Promise<void> => {
  const token = await issueAccountToken(deps.people.tokens, 'verify-email', account.subject, account.email ?? normalizeEmail(to), deps.now());
  const email = to;
  await deps.people.mailer.send({
    to: email,
    subject: 'Confirm your email address',
    text: `Hello,\n\nconfirm your email address by opening this link (it works once, for 24 hours):\n\n${link(deps, peoplePaths.verify, { token, interaction })}\n\nIf you did not create an account, ignore this message.\n`,
  });
};

const unwrap = async <A>(te: () => Promise<{ readonly _tag: 'Left'; readonly left: { readonly detail: string } } | { readonly _tag: 'Right'; readonly right: A }>): Promise<A> => {
  const r = await te();
  if (r._tag === 'Left') throw new Error(`user store: ${r.left.detail}`);
  return r.right;
};

/** Resend tokens handed out by the login gate (after a right password), so "send again" needs no password again. */
const resends = new Map<string, { readonly subject: string; readonly expires: number }>();

/** The login gate (OIDC sign-in refused until the address is confirmed), with a button that mails a new link. */
export const unverifiedGate = async (deps: PagesDeps, req: HttpRequest, account: UserAccount): Promise<HttpResponse> => {
  const { session, setCookie } = await deps.sessions.ensure(req);
  const t = Date.now();
  for (const [k, v] of resends) if (v.expires < t) resends.delete(k);
  const resend = randomBytes(24).toString('base64url');
  if (resends.size < 10_000) resends.set(resend, { subject: account.subject, expires: t + 15 * 60_000 });
  return unverifiedPage({ action: `${deps.prefix}${peoplePaths.resend}`, csrf: session.csrf, resend, email: account.email ?? account.username }, cookie(setCookie));
};

const disabled = (): HttpResponse => errorPage(404, 'Not found', 'There is no page here.');

/** GET /signup — the form (SIGNUP=open, or SIGNUP=invite with a valid-looking invitation). */
const signupForm = async (req: HttpRequest, deps: Deps): Promise<HttpResponse> => {
  const invite = queryParam(req, 'invite');
  if (deps.people.signup === 'off' || (deps.people.signup === 'invite' && invite === undefined)) return disabled();
  const interaction = interactionOf(queryParam(req, 'interaction'));
  const { session, setCookie } = await deps.sessions.ensure(req);
  const email = queryParam(req, 'email');
  return signupPage(
    {
      action: `${deps.prefix}${peoplePaths.signup}`,
      csrf: session.csrf,
      ...(interaction === undefined ? {} : { interaction, signIn: backTo(deps, interaction) as string }),
      ...(invite === undefined ? {} : { invite }),
      ...(email === undefined ? {} : { email }),
    },
    200,
    cookie(setCookie),
  );
};

/**
 * POST /signup — makes an unconfirmed account and mails a verification link. An address already in use gets a
 * message saying so instead; the page reads the same either way (no user enumeration), and costs one argon2 hash
 * either way. With SIGNUP=invite, the invitation (single use) is consumed and proves the invited address.
 */
const signupSubmit = async (req: HttpRequest, deps: Deps): Promise<HttpResponse> => {
  const form = readForm(req);
  const invite = form['invite'];
  if (deps.people.signup === 'off' || (deps.people.signup === 'invite' && invite === undefined)) return disabled();
  const { session, setCookie } = await deps.sessions.ensure(req);
  const interaction = interactionOf(form['interaction']);
  // Compared and stored lower-cased; written (mail, `email` claim) as the person typed it.
  const typed = (form['email'] ?? '').trim();
  const email = normalizeEmail(typed);
  const name = (form['name'] ?? '').trim().slice(0, 200);
  const password = form['password'] ?? '';
  const again = (message: string, status: number): HttpResponse =>
    signupPage(
      {
        action: `${deps.prefix}${peoplePaths.signup}`,
        csrf: session.csrf,
        error: message,
        email: typed,
        name,
        ...(interaction === undefined ? {} : { interaction, signIn: backTo(deps, interaction) as string }),
        ...(invite === undefined ? {} : { invite }),
      },
      status,
      cookie(setCookie),
    );
  if (!deps.sessions.checkCsrf(session, form['csrf'])) return again('Your session expired. Please try again.', 403);
  if (!plausibleEmail(email)) return again('Enter a valid email address.', 400);
  const problem = await passwordProblem(password, email, deps.people.breached);
  if (problem !== undefined) return again(problem, 400);
  const passwordHash = await hashPassword(password);
  let invited = false;
  if (deps.people.signup === 'invite') {
    const record = await redeemAccountToken(deps.people.tokens, invite ?? '', 'invite', deps.now());
    if (record === undefined || record.email !== email) return again('This invitation is not valid for this address (used, expired or changed).', 400);
    invited = true;
  }
  const store = deps.users.store;
  const existing = [...(await unwrap(store.findByEmail(email))), ...toList(await unwrap(store.findByUsername(email)))];
  const account: UserAccount = {
    subject: randomUUID(),
    username: email,
    email,
    emailVerified: invited,
    passwordHash,
    claims: { email: typed, ...(name === '' ? {} : { name }) },
    disabled: false,
    origin: 'signup',
    createdAt: Math.floor(deps.now()),
  };
  const created = existing.length === 0 ? await unwrap(store.create(account)) : { _tag: 'Taken' as const };
  if (created._tag === 'Taken') {
    deps.logger.log('info', 'signup: address already in use');
    await deps.people.mailer.send({
      to: typed,
      subject: 'You already have an account',
      text: `Hello,\n\nsomeone (maybe you) tried to create an account with this email address, which already has one.\nSign in with it, or choose a new password here:\n\n${link(deps, peoplePaths.forgot, { interaction })}\n\nIf it was not you, ignore this message.\n`,
    });
  } else {
    deps.logger.log('info', 'signup', { sub: account.subject });
    if (!invited) await sendVerification(deps, account, typed, interaction);
  }
  if (invited && created._tag === 'Created') return verifiedPage(true, backTo(deps, interaction));
  return checkInboxPage(cookie(setCookie));
};

/** POST /signup/resend — from the login gate: a new verification link to the account's address. */
const resendSubmit = async (req: HttpRequest, deps: Deps): Promise<HttpResponse> => {
  const form = readForm(req);
  const session = await deps.sessions.get(req);
  if (session === undefined || !deps.sessions.checkCsrf(session, form['csrf'])) return errorPage(403, 'Request refused', 'The form was not sent from this site. Go back and try again.');
  const entry = resends.get(form['resend'] ?? '');
  resends.delete(form['resend'] ?? '');
  if (entry === undefined || entry.expires < Date.now()) return errorPage(400, 'Request expired', 'Sign in again to get a new link.');
  const found = await unwrap(deps.users.store.findBySubject(entry.subject));
  if (O.isNone(found) || found.value.email === undefined || found.value.emailVerified) return errorPage(400, 'Nothing to confirm', 'This address is already confirmed. Sign in.');
  const typed = found.value.claims['email'];
  await sendVerification(deps, found.value, typeof typed === 'string' ? typed : found.value.email, undefined);
  return checkInboxPage();
};

/** GET /verify-email?token= — consumes the link (single use, 24 h) and marks the address confirmed. */
const verifyLink = async (req: HttpRequest, deps: Deps): Promise<HttpResponse> => {
  const back = backTo(deps, interactionOf(queryParam(req, 'interaction')));
  const record = await redeemAccountToken(deps.people.tokens, queryParam(req, 'token') ?? '', 'verify-email', deps.now());
  if (record === undefined) return verifiedPage(false, back);
  const found = await unwrap(deps.users.store.findBySubject(record.subject));
  // The address must still be the one the link was sent to.
  if (O.isNone(found) || found.value.email !== record.email) return verifiedPage(false, back);
  await unwrap(deps.users.store.update(record.subject, { emailVerified: true }));
  deps.logger.log('info', 'email verified', { sub: record.subject });
  return verifiedPage(true, back);
};

/** GET /forgot-password — asks for the address. */
const forgotForm = async (req: HttpRequest, deps: Deps): Promise<HttpResponse> => {
  const interaction = interactionOf(queryParam(req, 'interaction'));
  const { session, setCookie } = await deps.sessions.ensure(req);
  return forgotPage({ action: `${deps.prefix}${peoplePaths.forgot}`, csrf: session.csrf, ...(interaction === undefined ? {} : { interaction }) }, 200, cookie(setCookie));
};

/**
 * POST /forgot-password — mails a reset link (single use, one hour, hashed at rest) to every enabled account with
 * that address. The page is the same whether or not the address is known.
 */
const forgotSubmit = async (req: HttpRequest, deps: Deps): Promise<HttpResponse> => {
  const form = readForm(req);
  const { session, setCookie } = await deps.sessions.ensure(req);
  const interaction = interactionOf(form['interaction']);
  const email = normalizeEmail(form['email'] ?? '');
  if (!deps.sessions.checkCsrf(session, form['csrf'])) {
    return forgotPage({ action: `${deps.prefix}${peoplePaths.forgot}`, csrf: session.csrf, email, error: 'Your session expired. Please try again.', ...(interaction === undefined ? {} : { interaction }) }, 403, cookie(setCookie));
  }
  if (plausibleEmail(email)) {
    const accounts = (await unwrap(deps.users.store.findByEmail(email))).filter((a) => !a.disabled);
    for (const account of accounts) {
      const token = await issueAccountToken(deps.people.tokens, 'reset-password', account.subject, email, deps.now());
      await deps.people.mailer.send({
        to: email,
        subject: 'Reset your password',
        text: `Hello,\n\nchoose a new password for your account${account.origin === 'signup' ? '' : ` "${account.username}"`} by opening this link (it works once, for one hour):\n\n${link(deps, peoplePaths.reset, { token, interaction })}\n\nIf you did not ask for this, ignore this message: your password stays as it is.\n`,
      });
    }
    deps.logger.log('info', 'password reset requested', { accounts: accounts.length });
  }
  return resetSentPage(cookie(setCookie));
};

/** GET /reset-password?token= — the new-password form (the token is consumed only when the form is sent). */
const resetForm = async (req: HttpRequest, deps: Deps): Promise<HttpResponse> => {
  const token = queryParam(req, 'token') ?? '';
  const interaction = interactionOf(queryParam(req, 'interaction'));
  const { session, setCookie } = await deps.sessions.ensure(req);
  return resetPage({ action: `${deps.prefix}${peoplePaths.reset}`, csrf: session.csrf, token, ...(interaction === undefined ? {} : { interaction }) }, 200, cookie(setCookie));
};

/** POST /reset-password — checks the new password, consumes the link once, stores the new argon2id hash. */
const resetSubmit = async (req: HttpRequest, deps: Deps): Promise<HttpResponse> => {
  const form = readForm(req);
  const { session, setCookie } = await deps.sessions.ensure(req);
  const token = form['token'] ?? '';
  const interaction = interactionOf(form['interaction']);
  const again = (message: string, status: number): HttpResponse =>
    resetPage({ action: `${deps.prefix}${peoplePaths.reset}`, csrf: session.csrf, token, error: message, ...(interaction === undefined ? {} : { interaction }) }, status, cookie(setCookie));
  if (!deps.sessions.checkCsrf(session, form['csrf'])) return again('Your session expired. Please try again.', 403);
  const problem = await passwordProblem(form['password'] ?? '', undefined, deps.people.breached);
  if (problem !== undefined) return again(problem, 400);
  const passwordHash = await hashPassword(form['password'] ?? '');
  const record = await redeemAccountToken(deps.people.tokens, token, 'reset-password', deps.now());
  if (record === undefined) return resetDonePage(false, backTo(deps, interaction));
  const found = await unwrap(deps.users.store.findBySubject(record.subject));
  if (O.isNone(found) || found.value.email !== record.email || found.value.disabled) return resetDonePage(false, backTo(deps, interaction));
  // The link reached the address, which proves it as a verification link would.
  await unwrap(deps.users.store.update(record.subject, { passwordHash, emailVerified: true }));
  deps.logger.log('info', 'password reset', { sub: record.subject });
  return resetDonePage(true, backTo(deps, interaction));
};

type Handler = (req: HttpRequest, deps: Deps) => Promise<HttpResponse>;

const table: Readonly<Record<string, { readonly get?: Handler; readonly post?: Handler }>> = {
  [peoplePaths.signup]: { get: signupForm, post: signupSubmit },
  [peoplePaths.resend]: { post: resendSubmit },
  [peoplePaths.verify]: { get: verifyLink },
  [peoplePaths.forgot]: { get: forgotForm, post: forgotSubmit },
  [peoplePaths.reset]: { get: resetForm, post: resetSubmit },
};

/** The people pages as router entries (undefined for other paths, or when the server runs without them). */
export const peopleRoute = (path: string, deps: PagesDeps): { readonly methods: readonly string[]; readonly run: (req: HttpRequest) => Promise<HttpResponse> } | undefined => {
  const entry = Object.prototype.hasOwnProperty.call(table, path) ? table[path] : undefined;
  const people = deps.people;
  if (entry === undefined || people === undefined) return undefined;
  const full: Deps = { ...deps, people };
  const methods = [...(entry.get === undefined ? [] : ['GET', 'HEAD']), ...(entry.post === undefined ? [] : ['POST'])];
  return {
    methods,
    run: (req) => {
      const h = req.method === 'POST' ? entry.post : entry.get;
      return h === undefined ? Promise.resolve(errorPage(405, 'Method not allowed', `Use ${methods.join(' or ')}.`)) : h(req, full);
    },
  };
};

/** The people pages' paths and methods (Fastify registers routes one by one). */
export const peopleRoutePaths: readonly (readonly [string, readonly string[]])[] = Object.entries(table).map(([path, e]) => [
  path,
  [...(e.get === undefined ? [] : ['GET', 'HEAD']), ...(e.post === undefined ? [] : ['POST'])],
]);
