import type { AdminOperations, AuthorizationServer, HttpRequest, HttpResponse, InteractionFailure, Logger, ScopeDefinition } from '@grantor/core';
import type { UserAccount } from '@grantor/core/extend';
import type { UserDirectory } from '../people/directory.js';
import type { PeopleDeps } from '../people/deps.js';
import type { Session, SessionStore } from '../session.js';
import { attempt, byAddress, type ServerThrottles } from '../throttle.js';

/** What the account page needs beyond the other pages: the consents and tokens of the person (core operations). */
export type AccountDeps = Pick<AdminOperations, 'consents' | 'tokens' | 'clients'>;

/** What the pages need: the interaction and device APIs of the core, the users, sessions and throttling. */
export interface PagesDeps {
  readonly server: Pick<AuthorizationServer, 'interactions' | 'device'>;
  readonly users: UserDirectory;
  readonly sessions: SessionStore;
  /** Attempt limits (sign-in per account, account and address, address; user codes per session and address). */
  readonly throttles: ServerThrottles;
  readonly logger: Logger;
  /** Epoch seconds. */
  readonly now: () => number;
  /** Path prefix of the pages (the issuer's path, '' for an issuer at the origin's root). */
  readonly prefix: string;
  /** Sign-up, email verification and recovery (absent: the login page offers neither). */
  readonly people?: PeopleDeps;
  /** The account page (`/account`): the person's consents and tokens (absent: no account page). */
  readonly account?: AccountDeps;
  /**
   * The scope registry (descriptions, which scopes are optional), read when the consent or account page is drawn.
   * Absent: built-in words for the OpenID Connect scopes, and every scope required.
   */
  readonly scopes?: () => Promise<readonly ScopeDefinition[]>;
}

/** The scope registry's definitions (none without a registry, or when it cannot be read: every scope then required). */
export const registryScopes = async (deps: Pick<PagesDeps, 'scopes' | 'logger'>): Promise<readonly ScopeDefinition[]> => {
  if (deps.scopes === undefined) return [];
  try {
    return await deps.scopes();
  } catch (cause) {
    deps.logger.log('warn', 'could not read the scope registry', { cause: String(cause) });
    return [];
  }
};

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
  | { readonly _tag: 'Throttled'; readonly retryAfterSeconds: number };

/**
 * RFC 9700 §4.16 / RFC 6749 §10.10 (online guessing): the attempt is COUNTED FIRST — per account, per account and
 * address, per address — and only an attempt within every limit reaches the password check (argon2id). A right
 * password gives the attempt back, so only failures accumulate; parallel guesses meet the limit after the first few.
 */
export const checkLogin = async (deps: PagesDeps, req: HttpRequest, username: string, password: string): Promise<LoginCheck> => {
  const ip = req.remoteAddress ?? 'unknown';
  const t = deps.throttles.login;
  const counted = await attempt([[t.perAccount, username], [t.perAccountAddress, `${ip}\u0000${username}`], ...byAddress(deps.throttles, t.perAddress, req.remoteAddress)]);
  if (counted.verdict._tag === 'Refused') return { _tag: 'Throttled', retryAfterSeconds: counted.verdict.retryAfterSeconds };
  const checked = await deps.users.check(username, password);
  if (checked._tag === 'Wrong') return checked;
  await counted.forgive();
  return checked;
};

/** The browser's name for the session list of the account page. */
export const userAgentOf = (req: HttpRequest): { readonly userAgent?: string } => {
  const ua = req.headers['user-agent'];
  return ua === undefined || ua === '' ? {} : { userAgent: ua.slice(0, 255) };
};

/** `Retry-After` (RFC 9110 §10.2.3) for a refused attempt. */
export const retryAfter = (seconds: number): Readonly<Record<string, string>> => ({ 'retry-after': String(Math.max(1, Math.ceil(seconds))) });
