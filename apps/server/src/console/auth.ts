import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { HttpRequest } from '@grantor/core';
import type { LoginSessionStore } from '@grantor/core/extend';

/**
 * Who is signed in to the admin console, kept apart from the end users' sessions: its own cookie (`grantor_admin`,
 * `Path=<prefix>/admin`, HttpOnly, SameSite=Strict, Secure on https), idle after 30 minutes. The sessions live in the
 * store's `LoginSessionStore` (a restart or another instance keeps them) under a hash of their own domain
 * (`SHA-256("grantor-admin" ‖ id)`), so a console cookie is never an end user's session and an end user's cookie
 * never opens the console. An admin account's console sessions are among its sessions (sign out everywhere ends
 * them); the bootstrap token's belong to the subject `grantor:admin-token`.
 *
 * CSRF (OWASP synchroniser token): every form of a session carries a token derived from the session id; the login
 * form, before any session, carries `HMAC(key, nonce)` of a nonce in a short-lived cookie (login CSRF; the key derives
 * from ADMIN_TOKEN when set, so every instance accepts the form, else it is per process). Every POST must also come
 * from the issuer's own origin when the browser says where it comes from (`Origin`, Fetch §3.1).
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
  readonly get: (req: HttpRequest) => Promise<AdminSession | undefined>;
  /** A new session (new id: no fixation) and its `Set-Cookie`. */
  readonly open: (who: string, subject: string | undefined, userAgent: string | undefined) => Promise<{ readonly session: AdminSession; readonly setCookie: string }>;
  /** Ends the request's session; the `Set-Cookie` that removes the cookie. */
  readonly close: (req: HttpRequest) => Promise<string>;
  /** The login form's CSRF pair: the cookie to set and the field value. */
  readonly loginForm: () => { readonly setCookie: string; readonly field: string };
  readonly checkLoginForm: (req: HttpRequest, field: string | undefined) => boolean;
}

/** The subject a bootstrap-token session is kept under (no account has it: subjects of accounts are UUIDs). */
const bootstrapSubject = 'grantor:admin-token';
const bootstrapWho = 'bootstrap token';
/** At most this many console sessions per account (the oldest go first). */
const maxPerSubject = 20;

const hashOf = (id: string): string => createHash('sha256').update(`grantor-admin\u0000${id}`).digest('base64url');
const csrfOf = (id: string): string => createHash('sha256').update(`grantor-admin-csrf\u0000${id}`).digest('base64url');

const unwrap = async <A>(te: () => Promise<{ readonly _tag: 'Left'; readonly left: { readonly detail: string } } | { readonly _tag: 'Right'; readonly right: A }>): Promise<A> => {
  const r = await te();
  if (r._tag === 'Left') throw new Error(`admin sessions: ${r.left.detail}`);
  return r.right;
};

export const createAdminSessions = (options: {
  readonly secure: boolean;
  readonly path: string;
  readonly store: LoginSessionStore;
  readonly bootstrapToken?: string;
  /** Epoch milliseconds (default: the system clock). */
  readonly now?: () => number;
}): AdminSessions => {
  const nowSeconds = (): number => Math.floor((options.now ?? Date.now)() / 1000);
  const key = options.bootstrapToken === undefined ? randomBytes(32) : createHash('sha256').update(`grantor-admin-login\u0000${options.bootstrapToken}`).digest();
  const attrs = `Path=${options.path}; HttpOnly; SameSite=Strict${options.secure ? '; Secure' : ''}`;
  const mac = (nonce: string): string => createHmac('sha256', key).update(nonce).digest('base64url');
  const idleSeconds = idleMs / 1000;
  return {
    get: async (req) => {
      const id = cookiesOf(req).get(adminCookie);
      if (id === undefined || !/^[A-Za-z0-9_-]{43}$/.test(id)) return undefined;
      const found = await unwrap(options.store.find(hashOf(id)));
      if (found._tag === 'None') return undefined;
      const record = found.value;
      const now = nowSeconds();
      if (record.expiresAt <= now) return undefined;
      // Sliding idle expiry, written at most once a minute per session (not one write per page).
      if (now - record.lastSeenAt >= 60) await unwrap(options.store.touch(record.idHash, now, now + idleSeconds));
      const isBootstrap = record.subject === bootstrapSubject;
      return { id, csrf: csrfOf(id), who: isBootstrap ? bootstrapWho : (record.amr.find((a) => a.startsWith('console:'))?.slice(8) ?? 'user'), ...(isBootstrap ? {} : { subject: record.subject }) };
    },
    open: async (who, subject, userAgent) => {
      const id = token();
      const now = nowSeconds();
      await unwrap(
        options.store.create(
          {
            idHash: hashOf(id),
            subject: subject ?? bootstrapSubject,
            authTime: now,
            // The console's sign-in is a password (an account's or the bootstrap token); `console:` keeps who for the log.
            amr: ['pwd', `console:${who}`],
            createdAt: now,
            lastSeenAt: now,
            expiresAt: now + idleSeconds,
            userAgent: `Admin console${userAgent === undefined ? '' : ` — ${userAgent.slice(0, 120)}`}`,
          },
          maxPerSubject,
        ),
      );
      const session: AdminSession = { id, csrf: csrfOf(id), who, ...(subject === undefined ? {} : { subject }) };
      return { session, setCookie: `${adminCookie}=${id}; ${attrs}; Max-Age=${idleSeconds}` };
    },
    close: async (req) => {
      const id = cookiesOf(req).get(adminCookie);
      if (id !== undefined) await unwrap(options.store.remove(hashOf(id)));
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
