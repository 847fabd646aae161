import type { HttpRequest, HttpResponse, InteractionDetails } from '@grantor/core';
import { redirect } from '@grantor/core/extend';
import { readForm } from '../forms.js';
import type { Session } from '../session.js';
import { asSeeOther, checkLogin, failInteraction, isSignedIn, registryScopes, retryAfter, userAgentOf, withHeaders, type PagesDeps } from './deps.js';
import { consentScopes, grantedScope } from './scopes.js';
import { errorPage } from './html.js';
import { loginLinks, unverifiedGate } from './people.js';
import { consentPage, loginPage } from './views.js';

const invalidInteraction = (): HttpResponse =>
  errorPage(400, 'Request expired', 'This sign-in request is unknown, already completed or expired. Go back to the application and start again.');

const clientName = (d: InteractionDetails): string => d.client.clientName ?? d.client.clientId;

/** The host (or, for a private-use scheme, the scheme) the authorization response goes to, for the consent page. */
const redirectHostOf = (redirectUri: string): { readonly redirectHost?: string } => {
  try {
    const url = new URL(redirectUri);
    return { redirectHost: url.host === '' ? `${url.protocol}` : url.host };
  } catch {
    return {};
  }
};

const paths = (deps: PagesDeps, id: string) => {
  const base = `${deps.prefix}/interaction/${encodeURIComponent(id)}`;
  return { page: base, login: `${base}/login`, consent: `${base}/consent` };
};

/**
 * OpenID Connect Core §3.1.2.3: the user must (re-)authenticate when there is no session, when `prompt=login` was
 * asked and this request has not signed in yet, or when the last authentication is older than `max_age`.
 */
const needsLogin = async (deps: PagesDeps, d: InteractionDetails, s: Session | undefined): Promise<boolean> => {
  if (!isSignedIn(s) || (await deps.users.bySubject(s.subject)) === undefined) return true;
  const i = d.interaction;
  // Signed in for this very request: neither prompt=login nor max_age asks again (no login loop with max_age=0).
  if (s.interactionId === i.id) return false;
  if (i.prompt.includes('login')) return true;
  return i.maxAge !== undefined && deps.now() - s.authTime > i.maxAge;
};

const showConsentOrFinish = async (deps: PagesDeps, d: InteractionDetails, s: Session & { subject: string; authTime: number }, setCookie?: string): Promise<HttpResponse> => {
  const i = d.interaction;
  const pending = await d.scopesNeedingConsent(s.subject);
  // OIDC Core §3.1.2.1: prompt=consent always asks; otherwise consent already given for these scopes is enough.
  if (pending.length === 0 && !i.prompt.includes('consent')) {
    const res = await deps.server.interactions.finish(i.id, { subject: s.subject, scope: i.scope, authTime: s.authTime });
    return withHeaders(res, { 'set-cookie': setCookie });
  }
  if (i.prompt.includes('none')) return withHeaders(await failInteraction(deps, i.id, 'consent_required'), { 'set-cookie': setCookie });
  const user = await deps.users.bySubject(s.subject);
  return consentPage(
    {
      action: paths(deps, i.id).consent,
      csrf: s.csrf,
      clientName: clientName(d),
      clientId: d.client.clientId,
      scopes: consentScopes(await registryScopes(deps), i.scope, true),
      username: user?.username ?? s.subject,
      ...redirectHostOf(i.redirectUri),
    },
    setCookie === undefined ? {} : { 'set-cookie': setCookie },
  );
};

/** GET /interaction/:id — the login page, or the consent page for a signed-in user (or straight back to the client). */
export const interactionPage = async (req: HttpRequest, deps: PagesDeps, id: string): Promise<HttpResponse> => {
  const found = await deps.server.interactions.details(id);
  if (found._tag !== 'Found') return invalidInteraction();
  const d = found.details;
  const { session, setCookie } = await deps.sessions.ensure(req);
  if (await needsLogin(deps, d, session)) {
    // OIDC Core §3.1.2.6: prompt=none must not show any page.
    if (d.interaction.prompt.includes('none')) return withHeaders(await failInteraction(deps, id, 'login_required'), { 'set-cookie': setCookie });
    return loginPage(
      { action: paths(deps, id).login, csrf: session.csrf, clientName: clientName(d), links: loginLinks(deps, id), ...(d.interaction.loginHint === undefined ? {} : { username: d.interaction.loginHint }) },
      200,
      setCookie === undefined ? {} : { 'set-cookie': setCookie },
    );
  }
  return showConsentOrFinish(deps, d, session as Session & { subject: string; authTime: number }, setCookie);
};

/** POST /interaction/:id/login — checks the password (argon2id); a wrong one shows the form again. */
export const interactionLogin = async (req: HttpRequest, deps: PagesDeps, id: string): Promise<HttpResponse> => {
  const found = await deps.server.interactions.details(id);
  if (found._tag !== 'Found') return invalidInteraction();
  const d = found.details;
  const form = readForm(req);
  const { session, setCookie } = await deps.sessions.ensure(req);
  const again = (error: string, status: number, headers: Readonly<Record<string, string>> = {}) =>
    loginPage(
      { action: paths(deps, id).login, csrf: session.csrf, clientName: clientName(d), error, links: loginLinks(deps, id), ...(form['username'] === undefined ? {} : { username: form['username'] }) },
      status,
      { ...headers, ...(setCookie === undefined ? {} : { 'set-cookie': setCookie }) },
    );
  if (!deps.sessions.checkCsrf(session, form['csrf'])) return again('Your session expired. Please sign in again.', 403);
  const check = await checkLogin(deps, req, form['username'] ?? '', form['password'] ?? '');
  if (check._tag === 'Throttled') {
    deps.logger.log('warn', 'login throttled', { interaction: id });
    return again(`Too many failed sign-ins for this account. Your password was not checked. Wait ${Math.ceil(check.retryAfterSeconds / 60)} minute(s) and try again.`, 429, retryAfter(check.retryAfterSeconds));
  }
  if (check._tag === 'Wrong') {
    deps.logger.log('info', 'login failed', { interaction: id });
    return again('Wrong username or password.', 401);
  }
  if (check._tag === 'Unverified') return unverifiedGate(deps, req, check.account);
  const user = check.user;
  const signed = await deps.sessions.signIn(session, user.subject, Math.floor(deps.now()), { interactionId: id, ...userAgentOf(req) });
  deps.logger.log('info', 'login', { interaction: id, sub: user.subject });
  return redirect(paths(deps, id).page, 303, { 'set-cookie': signed.setCookie });
};

/**
 * POST /interaction/:id/consent — approve finishes the interaction with the scopes left ticked (the required ones
 * always: the form can only narrow the request, RFC 6749 §3.3), and the remembered consent is what was granted, so a
 * scope left out is asked again next time; deny ends it with `access_denied` (RFC 6749 §4.1.2.1).
 */
export const interactionConsent = async (req: HttpRequest, deps: PagesDeps, id: string): Promise<HttpResponse> => {
  const found = await deps.server.interactions.details(id);
  if (found._tag !== 'Found') return invalidInteraction();
  const d = found.details;
  const form = readForm(req);
  const session = await deps.sessions.get(req);
  if (!isSignedIn(session) || (await needsLogin(deps, d, session))) return redirect(paths(deps, id).page, 303);
  if (!deps.sessions.checkCsrf(session, form['csrf'])) return errorPage(403, 'Request refused', 'The form was not sent from this site. Go back and try again.');
  const decision = form['decision'];
  if (decision === 'deny') return asSeeOther(await deps.server.interactions.deny(id));
  if (decision !== 'approve') return showConsentOrFinish(deps, d, session);
  const scope = grantedScope(consentScopes(await registryScopes(deps), d.interaction.scope, true), form);
  const res = await deps.server.interactions.finish(id, { subject: session.subject, scope, authTime: session.authTime });
  return asSeeOther(res);
};
