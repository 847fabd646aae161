import type { Client, HttpRequest, HttpResponse } from '@grantor/core';
import { readForm, queryParam } from '../forms.js';
import { attempt, byAddress } from '../throttle.js';
import type { Session } from '../session.js';
import { checkLogin, isSignedIn, registryScopes, retryAfter, userAgentOf, type PagesDeps } from './deps.js';
import { consentScopes } from './scopes.js';
import { errorPage } from './html.js';
import { consentPage, deviceDonePage, deviceEntryPage, loginPage } from './views.js';

const cookieHeader = (setCookie: string | undefined): Readonly<Record<string, string>> => (setCookie === undefined ? {} : { 'set-cookie': setCookie });

const paths = (deps: PagesDeps) => ({ entry: `${deps.prefix}/device`, login: `${deps.prefix}/device/login`, consent: `${deps.prefix}/device/consent` });

/** User codes are at most a few dozen characters; longer input is refused before it reaches the store. */
const maxUserCodeLength = 64;

const clientName = (c: Client): string => c.clientName ?? c.clientId;

/** GET /device — the code entry form, pre-filled from `verification_uri_complete` (RFC 8628 §3.3.1). */
export const deviceEntry = async (req: HttpRequest, deps: PagesDeps): Promise<HttpResponse> => {
  const { session, setCookie } = await deps.sessions.ensure(req);
  const code = queryParam(req, 'user_code');
  return deviceEntryPage(
    { action: paths(deps).entry, csrf: session.csrf, ...(code === undefined ? {} : { userCode: code.slice(0, maxUserCodeLength) }) },
    200,
    cookieHeader(setCookie),
  );
};

type Lookup = { readonly _tag: 'Pending'; readonly client: Client; readonly scope: readonly string[] } | { readonly _tag: 'Refused'; readonly response: HttpResponse };

/**
 * RFC 8628 §5.1: user codes have little entropy, so code entry is limited per browser session and per client address.
 * The attempt is counted BEFORE the code is looked up (parallel guesses meet the limit, not a count trailing behind
 * them); a refused visitor gets 429 with `Retry-After` and no lookup; a code that was found gives the attempt back.
 */
const lookUp = async (req: HttpRequest, deps: PagesDeps, session: Session, userCode: string, setCookie: string | undefined): Promise<Lookup> => {
  const t = deps.throttles.device;
  const entry = (error: string, status: number, headers: Readonly<Record<string, string>> = {}): Lookup => ({
    _tag: 'Refused',
    response: deviceEntryPage({ action: paths(deps).entry, csrf: session.csrf, userCode: userCode.slice(0, maxUserCodeLength), error }, status, { ...headers, ...cookieHeader(setCookie) }),
  });
  const counted = await attempt([[t.perSession, session.id], ...byAddress(deps.throttles, t.perAddress, req.remoteAddress)]);
  if (counted.verdict._tag === 'Refused') {
    deps.logger.log('warn', 'user code entry throttled', {});
    return entry(`Too many wrong codes. The code was not checked. Wait ${Math.ceil(counted.verdict.retryAfterSeconds / 60)} minute(s) and try again.`, 429, retryAfter(counted.verdict.retryAfterSeconds));
  }
  const found = userCode.trim() === '' || userCode.length > maxUserCodeLength ? undefined : await deps.server.device.lookup(userCode);
  if (found === undefined || found._tag !== 'Pending') {
    deps.logger.log('info', 'wrong user code', {});
    return entry('That code is not valid or has expired. Check the code on your device.', 400);
  }
  await counted.forgive();
  return found;
};

const showConsent = async (deps: PagesDeps, session: Session & { subject: string }, userCode: string, found: { readonly client: Client; readonly scope: readonly string[] }, setCookie?: string): Promise<HttpResponse> =>
  consentPage(
    {
      action: paths(deps).consent,
      csrf: session.csrf,
      clientName: clientName(found.client),
      clientId: found.client.clientId,
      // RFC 8628: the device flow grants what the device asked for; its page shows the words, without checkboxes.
      scopes: consentScopes(await registryScopes(deps), found.scope, false),
      username: (await deps.users.bySubject(session.subject))?.username ?? session.subject,
      hidden: { user_code: userCode },
    },
    cookieHeader(setCookie),
  );

/** POST /device — checks the code, then asks to sign in, then ALWAYS shows the consent page (RFC 8628 §3.3). */
export const deviceSubmit = async (req: HttpRequest, deps: PagesDeps): Promise<HttpResponse> => {
  const form = readForm(req);
  const { session, setCookie } = await deps.sessions.ensure(req);
  const userCode = form['user_code'] ?? '';
  if (!deps.sessions.checkCsrf(session, form['csrf'])) {
    return deviceEntryPage({ action: paths(deps).entry, csrf: session.csrf, userCode: userCode.slice(0, maxUserCodeLength), error: 'Your session expired. Please try again.' }, 403, cookieHeader(setCookie));
  }
  const found = await lookUp(req, deps, session, userCode, setCookie);
  if (found._tag === 'Refused') return found.response;
  if (isSignedIn(session) && (await deps.users.bySubject(session.subject)) !== undefined) return showConsent(deps, session, userCode, found, setCookie);
  return loginPage({ action: paths(deps).login, csrf: session.csrf, clientName: clientName(found.client), hidden: { user_code: userCode } }, 200, cookieHeader(setCookie));
};

/** POST /device/login — signs in (argon2id check), then shows the consent page for the code. */
export const deviceLogin = async (req: HttpRequest, deps: PagesDeps): Promise<HttpResponse> => {
  const form = readForm(req);
  const { session, setCookie } = await deps.sessions.ensure(req);
  const userCode = form['user_code'] ?? '';
  if (!deps.sessions.checkCsrf(session, form['csrf'])) {
    return deviceEntryPage({ action: paths(deps).entry, csrf: session.csrf, userCode: userCode.slice(0, maxUserCodeLength), error: 'Your session expired. Please try again.' }, 403, cookieHeader(setCookie));
  }
  const found = await lookUp(req, deps, session, userCode, setCookie);
  if (found._tag === 'Refused') return found.response;
  const check = await checkLogin(deps, req, form['username'] ?? '', form['password'] ?? '');
  if (check._tag !== 'Ok') {
    const error =
      check._tag === 'Throttled'
        ? `Too many failed sign-ins for this account. Your password was not checked. Wait ${Math.ceil(check.retryAfterSeconds / 60)} minute(s) and try again.`
        : check._tag === 'Unverified'
          ? 'Confirm your email address first: follow the link in the message we sent you.'
          : 'Wrong username or password.';
    return loginPage(
      { action: paths(deps).login, csrf: session.csrf, clientName: clientName(found.client), error, hidden: { user_code: userCode }, ...(form['username'] === undefined ? {} : { username: form['username'] }) },
      check._tag === 'Throttled' ? 429 : check._tag === 'Unverified' ? 403 : 401,
      { ...(check._tag === 'Throttled' ? retryAfter(check.retryAfterSeconds) : {}), ...cookieHeader(setCookie) },
    );
  }
  const user = check.user;
  const signed = await deps.sessions.signIn(session, user.subject, Math.floor(deps.now()), userAgentOf(req));
  return showConsent(deps, signed.session as Session & { subject: string }, userCode, found, signed.setCookie);
};

/** POST /device/consent — approve or deny the device (RFC 8628 §3.3, §3.5 `access_denied`); ends without a form. */
export const deviceConsent = async (req: HttpRequest, deps: PagesDeps): Promise<HttpResponse> => {
  const form = readForm(req);
  const session = await deps.sessions.get(req);
  const userCode = form['user_code'] ?? '';
  if (!isSignedIn(session)) return deviceEntry(req, deps);
  if (!deps.sessions.checkCsrf(session, form['csrf'])) return errorPage(403, 'Request refused', 'The form was not sent from this site. Go back and try again.');
  const found = await lookUp(req, deps, session, userCode, undefined);
  if (found._tag === 'Refused') return found.response;
  const decision = form['decision'];
  if (decision !== 'approve' && decision !== 'deny') return showConsent(deps, session, userCode, found);
  const result =
    decision === 'approve'
      ? await deps.server.device.approve(userCode, { subject: session.subject, scope: found.scope, authTime: session.authTime })
      : await deps.server.device.deny(userCode);
  if (result._tag !== 'Done') return errorPage(400, 'Code expired', 'This code is no longer valid. Start again on your device.');
  deps.logger.log('info', `device ${decision}`, { client: found.client.clientId, sub: session.subject });
  return deviceDonePage(decision === 'approve', clientName(found.client));
};
