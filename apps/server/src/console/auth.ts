import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { HttpRequest } from '@grantor/core';
import { LRUCache } from 'lru-cache';

/**
 * Who is signed in to the admin console, kept apart from the end users' sessions: its own cookie (`grantor_admin`,
 * `Path=<prefix>/admin`, HttpOnly, SameSite=Strict, Secure on https), in memory, idle after 30 minutes, at most 1,000
 * at once (the oldest go first). An end user's sign-in never opens the console, and signing in to the console never
 * signs anyone in at the authorization endpoint.
 *
 * CSRF (OWASP synchroniser token): every form of a session carries the session's token; the login form, before any
 * session, carries `HMAC(key, nonce)` of a nonce in a short-lived cookie (login CSRF). Every POST must also come from
 * the issuer's own origin when the browser says where it comes from (`Origin`, Fetch §3.1).
 */
export interface AdminSession {
  readonly id: string;
  readonly csrf: string;
  /** `user <username>` or `bootstrap token`: who acts, for the log. */
  readonly who: string;
  /** The account's subject (absent for the bootstrap token): a disabled or demoted account loses the console. */
  readonly subject?: string;
}

const adminCookie = 'grantor_admin';
const loginCookie = 'grantor_admin_login';
const idleMs = 30 * 60 * 1000;

const token = (): string => randomBytes(32).toString('base64url');

const cookiesOf = (req: HttpRequest): Map<string, string> => {
  const out = new Map<string, string>();
  for (const part of (req.headers['cookie'] ?? '').split(/;\s*/)) {
    const eq = part.indexOf('=');
    if (eq > 0 && !out.has(part.slice(0, eq).trim())) out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return out;
};

const same = (a: string, b: string): boolean => {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
};

export interface AdminSessions {
  readonly get: (req: HttpRequest) => AdminSession | undefined;
  /** A new session (new id: no fixation) and its `Set-Cookie`. */
  readonly open: (who: string, subject: string | undefined) => { readonly session: AdminSession; readonly setCookie: string };
  /** Ends the request's session; the `Set-Cookie` that removes the cookie. */
  readonly close: (req: HttpRequest) => string;
  /** The login form's CSRF pair: the cookie to set and the field value. */
  readonly loginForm: () => { readonly setCookie: string; readonly field: string };
  readonly checkLoginForm: (req: HttpRequest, field: string | undefined) => boolean;
}

export const createAdminSessions = (options: { readonly secure: boolean; readonly path: string }): AdminSessions => {
  const sessions = new LRUCache<string, AdminSession>({ max: 1000, ttl: idleMs, updateAgeOnGet: true });
  const key = randomBytes(32);
  const attrs = `Path=${options.path}; HttpOnly; SameSite=Strict${options.secure ? '; Secure' : ''}`;
  const mac = (nonce: string): string => createHmac('sha256', key).update(nonce).digest('base64url');
  return {
    get: (req) => {
      const id = cookiesOf(req).get(adminCookie);
      return id === undefined ? undefined : sessions.get(id);
    },
    open: (who, subject) => {
      const session: AdminSession = { id: token(), csrf: token(), who, ...(subject === undefined ? {} : { subject }) };
      sessions.set(session.id, session);
      return { session, setCookie: `${adminCookie}=${session.id}; ${attrs}; Max-Age=${idleMs / 1000}` };
    },
    close: (req) => {
      const id = cookiesOf(req).get(adminCookie);
      if (id !== undefined) sessions.delete(id);
      return `${adminCookie}=; ${attrs}; Max-Age=0`;
    },
    loginForm: () => {
      const nonce = token();
      return { setCookie: `${loginCookie}=${nonce}; ${attrs}; Max-Age=900`, field: mac(nonce) };
    },
    checkLoginForm: (req, field) => {
      const nonce = cookiesOf(req).get(loginCookie);
      return nonce !== undefined && field !== undefined && same(mac(nonce), field);
    },
  };
};

/** Fetch §3.1: a POST whose `Origin` is another origin (or `null`) is refused; no `Origin` (older agents) is let through to the CSRF token check. */
export const sameOrigin = (req: HttpRequest, issuer: string): boolean => {
  const origin = req.headers['origin'];
  return origin === undefined || origin === new URL(issuer).origin;
};

/** True when `presented` is the session's CSRF token (constant time). */
export const csrfOk = (session: AdminSession, presented: string | undefined): boolean => presented !== undefined && same(session.csrf, presented);
