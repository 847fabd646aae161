import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { HttpRequest } from '@grantor/core';
import { LRUCache } from 'lru-cache';

/** A browser session of the reference server's pages (kept in memory; a restart signs everyone out). */
export interface Session {
  readonly id: string;
  /** Anti-CSRF token for every form of this session (synchroniser token pattern). */
  readonly csrf: string;
  subject?: string;
  /** Epoch seconds of the last password check (OIDC `auth_time`). */
  authTime?: number;
  /** Interactions this session signed in for (so `prompt=login` is satisfied exactly once per request). */
  readonly freshLogins: Set<string>;
  lastSeen: number;
}

export interface SessionStore {
  /** The session named by the request's cookie, if it exists and has not expired. */
  readonly get: (req: HttpRequest) => Session | undefined;
  /** The request's session or a new one; `setCookie` is the header value to send when it is new. */
  readonly ensure: (req: HttpRequest) => { readonly session: Session; readonly setCookie?: string };
  /** Signs `session` in as `subject` under a NEW session id (no session fixation); returns the new cookie. */
  readonly signIn: (session: Session, subject: string, authTime: number, interactionId?: string) => { readonly session: Session; readonly setCookie: string };
  readonly checkCsrf: (session: Session, presented: string | undefined) => boolean;
  /** Ends the request's session (logout): true when there was one. */
  readonly end: (req: HttpRequest) => boolean;
  /** The `Set-Cookie` value that removes the session cookie from the browser. */
  readonly clearCookie: string;
  readonly size: () => number;
}

export const sessionCookieName = 'grantor_session';

const idleMs = 8 * 60 * 60 * 1000;
/** Signed-in sessions kept at most (only a right password adds one, and sign-in is throttled). */
const maxSessions = 50_000;
/**
 * Sessions nobody signed in to yet (they only hold the CSRF token of a form) live apart, in a bounded LRU: a flood of
 * cookie-less requests evicts other anonymous sessions, never a signed-in one.
 */
const maxAnonymousSessions = 10_000;

const parseCookies = (header: string | undefined): Map<string, string> => {
  const out = new Map<string, string>();
  if (header === undefined) return out;
  for (const part of header.split(/;\s*/)) {
    const eq = part.indexOf('=');
    if (eq > 0) {
      const name = part.slice(0, eq).trim();
      if (!out.has(name)) out.set(name, part.slice(eq + 1).trim());
    }
  }
  return out;
};

const token = (): string => randomBytes(32).toString('base64url');

/** In-memory sessions with an HttpOnly, SameSite=Lax, Path=/ cookie (Secure when the issuer is https). */
export const createSessionStore = (options: { readonly secure: boolean; readonly now?: () => number }): SessionStore => {
  const now = options.now ?? (() => Date.now());
  const sessions = new Map<string, Session>();
  const cookie = (id: string): string =>
    `${sessionCookieName}=${id}; Path=/; HttpOnly; SameSite=Lax${options.secure ? '; Secure' : ''}; Max-Age=${idleMs / 1000}`;

  const anonymous = new LRUCache<string, Session>({ max: maxAnonymousSessions, ttl: idleMs, ttlAutopurge: false });

  const sweep = (): void => {
    const t = now();
    for (const [id, s] of sessions) if (t - s.lastSeen > idleMs) sessions.delete(id);
    // Bound memory: drop the oldest sessions first (Map keeps insertion order).
    for (const id of sessions.keys()) {
      if (sessions.size <= maxSessions) break;
      sessions.delete(id);
    }
  };

  const fresh = (): Session => ({ id: token(), csrf: token(), freshLogins: new Set(), lastSeen: now() });

  const get = (req: HttpRequest): Session | undefined => {
    const id = parseCookies(req.headers['cookie']).get(sessionCookieName);
    if (id === undefined) return undefined;
    const s = sessions.get(id) ?? anonymous.get(id);
    if (s === undefined) return undefined;
    if (now() - s.lastSeen > idleMs) {
      sessions.delete(id);
      anonymous.delete(id);
      return undefined;
    }
    s.lastSeen = now();
    return s;
  };

  return {
    get,
    ensure: (req) => {
      const existing = get(req);
      if (existing !== undefined) return { session: existing };
      const s = fresh();
      anonymous.set(s.id, s);
      return { session: s, setCookie: cookie(s.id) };
    },
    signIn: (old, subject, authTime, interactionId) => {
      sessions.delete(old.id);
      anonymous.delete(old.id);
      if (sessions.size >= maxSessions) sweep();
      const s = fresh();
      sessions.set(s.id, s);
      s.subject = subject;
      s.authTime = authTime;
      if (interactionId !== undefined) s.freshLogins.add(interactionId);
      return { session: s, setCookie: cookie(s.id) };
    },
    checkCsrf: (session, presented) => {
      if (presented === undefined) return false;
      const a = Buffer.from(session.csrf);
      const b = Buffer.from(presented);
      return a.length === b.length && timingSafeEqual(a, b);
    },
    end: (req) => {
      const id = parseCookies(req.headers['cookie']).get(sessionCookieName);
      return id !== undefined && (sessions.delete(id) || anonymous.delete(id));
    },
    clearCookie: `${sessionCookieName}=; Path=/; HttpOnly; SameSite=Lax${options.secure ? '; Secure' : ''}; Max-Age=0`,
    size: () => sessions.size + anonymous.size,
  };
};
