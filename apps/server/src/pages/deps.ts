import type { AuthorizationServer, HttpRequest, HttpResponse, InteractionFailure, Logger } from '@grantor/core';
import type { UserAccount } from '@grantor/core/extend';
import type { UserDirectory } from '../people/directory.js';
import type { PeopleDeps } from '../people/deps.js';
import type { Session, SessionStore } from '../session.js';
import type { FailureThrottle } from '../throttle.js';

/** What the pages need: the interaction and device APIs of the core, the users, sessions and throttling. */
export interface PagesDeps {
  readonly server: Pick<AuthorizationServer, 'interactions' | 'device'>;
  readonly users: UserDirectory;
  readonly sessions: SessionStore;
  /** Wrong user codes per client IP (RFC 8628 §5.1). */
  readonly deviceIpThrottle: FailureThrottle;
  /** Wrong passwords per client IP + username and per client IP. */
  readonly loginThrottle: { readonly perUser: FailureThrottle; readonly perIp: FailureThrottle };
  /** Wrong user codes allowed per session within the throttle window. */
  readonly deviceSessionLimit: number;
  readonly logger: Logger;
  /** Epoch seconds. */
  readonly now: () => number;
  /** Path prefix of the pages (the issuer's path, '' for an issuer at the origin's root). */
  readonly prefix: string;
  /** Sign-up, email verification and recovery (absent: the login page offers neither). */
  readonly people?: PeopleDeps;
}

/** Adds headers (e.g. `set-cookie`) to any response. */
export const withHeaders = (res: HttpResponse, headers: Readonly<Record<string, string | undefined>>): HttpResponse => {
  const extra = Object.fromEntries(Object.entries(headers).filter((e): e is [string, string] => e[1] !== undefined));
  return Object.keys(extra).length === 0 ? res : { ...res, headers: { ...res.headers, ...extra } };
};

/** A redirect answering a form POST is a 303 (RFC 9110 §15.4.4), so the user agent follows it with GET. */
export const asSeeOther = (res: HttpResponse): HttpResponse => (res._tag === 'Redirect' ? { ...res, status: 303 } : res);

export const isSignedIn = (s: Session | undefined): s is Session & { subject: string; authTime: number } =>
  s?.subject !== undefined && s.authTime !== undefined;

/**
 * Ends an interaction with an OpenID Connect error (Core §3.1.2.6, e.g. `login_required` for `prompt=none`). Uses the
 * core's `interactions.fail` when it offers one; otherwise the request is denied (`access_denied`).
 */
export const failInteraction = async (deps: PagesDeps, id: string, code: InteractionFailure): Promise<HttpResponse> => {
  const api = deps.server.interactions;
  return api.fail !== undefined ? api.fail(id, code) : api.deny(id);
};

export type LoginCheck =
  | { readonly _tag: 'Ok'; readonly user: { readonly subject: string; readonly username: string } }
  | { readonly _tag: 'Wrong' }
  /** Right password, address given at sign-up not confirmed yet: the login gate page. */
  | { readonly _tag: 'Unverified'; readonly account: UserAccount }
  | { readonly _tag: 'Throttled' };

/**
 * Checks a password (argon2id) unless this client IP failed too often, for this username or in total (online
 * guessing; every attempt costs an argon2 computation). Failures are counted; the page shows the form again.
 */
export const checkLogin = async (deps: PagesDeps, req: HttpRequest, username: string, password: string): Promise<LoginCheck> => {
  const ip = req.remoteAddress ?? 'unknown';
  const pair = `${ip}|${username}`;
  if (deps.loginThrottle.perUser.blocked(pair) || deps.loginThrottle.perIp.blocked(ip)) return { _tag: 'Throttled' };
  const checked = await deps.users.check(username, password);
  if (checked._tag !== 'Wrong') return checked;
  deps.loginThrottle.perUser.fail(pair);
  deps.loginThrottle.perIp.fail(ip);
  return { _tag: 'Wrong' };
};

