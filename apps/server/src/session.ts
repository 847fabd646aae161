import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { HttpRequest } from '@grantor/core';
import type { LoginSessionRecord, LoginSessionStore } from '@grantor/core/extend';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import { LRUCache } from 'lru-cache';

/** A browser session of the reference server's pages: anonymous (a CSRF token only) or signed in. */
export interface Session {
  readonly id: string;
  /** Anti-CSRF token for every form of this session (synchroniser token pattern), derived from the session id. */
  readonly csrf: string;
  readonly subject?: string;
  /** Epoch seconds of the last authentication (OIDC `auth_time`). */
  readonly authTime?: number;
  /** RFC 8176 methods of that authentication (`pwd`, `otp`). */
  readonly amr?: readonly string[];
  /** The interaction this session signed in for (so `prompt=login` is satisfied exactly once per request). */
  readonly interactionId?: string;
  /** SHA-256 of the id: names the session in the store and on the account page. */
  readonly handle: string;
}

/** A signed-in session as the account page lists it. */
interface SessionInfo {
  readonly handle: string;
  readonly createdAt: number;
  readonly lastSeenAt: number;
  readonly userAgent?: string;
  readonly amr: readonly string[];
}

interface SignInOptions {
  readonly interactionId?: string;
  readonly amr?: readonly string[];
  /** The browser's `User-Agent`, shown on the account page. */
  readonly userAgent?: string;
}

export interface SessionStore {
  /** The session named by the request's cookie, if it exists and has not expired. */
  readonly get: (req: HttpRequest) => Promise<Session | undefined>;
  /** The request's session or a new (anonymous) one; `setCookie` is the header value to send when it is new. */
  readonly ensure: (req: HttpRequest) => Promise<{ readonly session: Session; readonly setCookie?: string }>;
  /** Signs `session` in as `subject` under a NEW session id (no session fixation); returns the new cookie. */
  readonly signIn: (session: Session, subject: string, authTime: number, options?: SignInOptions) => Promise<{ readonly session: Session; readonly setCookie: string }>;
  readonly checkCsrf: (session: Session, presented: string | undefined) => boolean;
  /** Ends the request's session (logout): true when there was one. */
  readonly end: (req: HttpRequest) => Promise<boolean>;
  /** The subject's signed-in sessions, newest first. */
  readonly list: (subject: string) => Promise<readonly SessionInfo[]>;
  /** Ends the subject's session named by `handle` (never another person's): true when it existed. */
  readonly endOne: (subject: string, handle: string) => Promise<boolean>;
  /** Ends every session of the subject except `keepHandle` (none kept without it): how many ended. */
  readonly endAll: (subject: string, keepHandle?: string) => Promise<number>;
  /** The `Set-Cookie` value that removes the session cookie from the browser. */
  readonly clearCookie: string;
  /** Anonymous sessions held in this process. */
  readonly anonymousSize: () => number;
}

export const sessionCookieName = 'grantor_session';

/** A session nobody used for this long is over (sliding). */
const idleSeconds = 8 * 60 * 60;
/** However active, a session ends this long after sign-in. */
const absoluteSeconds = 30 * 24 * 60 * 60;
/** Activity is written back at most this often per session (one store write per minute, not per request). */
const touchEverySeconds = 60;
/** Signed-in sessions kept per person: a new sign-in beyond this ends their oldest session. */
const defaultMaxPerUser = 10;
/**
 * Sessions nobody signed in to yet (they only hold the CSRF token of a form) live in this process, in a bounded LRU:
 * a flood of cookie-less requests evicts other anonymous sessions, never a signed-in one (those are in the store).
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
const sha256 = (s: string): string => createHash('sha256').update(s).digest('base64url');
/** The CSRF token of a session: a hash of its id under another label (never the stored hash, never the id). */
const csrfOf = (id: string): string => sha256(`grantor-csrf\u0000${id}`);
const plausibleId = (id: string): boolean => /^[A-Za-z0-9_-]{43}$/.test(id);

const unwrap = async <A>(te: TaskEither<{ readonly detail: string }, A>): Promise<A> => {
  const r = await te();
  if (r._tag === 'Left') throw new Error(`session store: ${r.left.detail}`);
  return r.right;
};

export interface SessionStoreOptions {
  readonly secure: boolean;
  /** Signed-in sessions, shared by every instance on the same store. */
  readonly store: LoginSessionStore;
  /** Epoch milliseconds (default: the system clock). */
  readonly now?: () => number;
  readonly maxPerUser?: number;
}

/**
 * Browser sessions with an HttpOnly, SameSite=Lax, Path=/ cookie (Secure when the issuer is https). Signed-in sessions
 * live in the store's `LoginSessionStore` by the SHA-256 of their id (a restart or another instance keeps them),
 * bounded per person, with an idle expiry of 8 hours (sliding) and at most 30 days in all.
 */
export const createSessionStore = (options: SessionStoreOptions): SessionStore => {
  const nowSeconds = (): number => Math.floor((options.now ?? (() => Date.now()))() / 1000);
  const store = options.store;
  const maxPerUser = options.maxPerUser ?? defaultMaxPerUser;
  const cookie = (id: string): string =>
    `${sessionCookieName}=${id}; Path=/; HttpOnly; SameSite=Lax${options.secure ? '; Secure' : ''}; Max-Age=${idleSeconds}`;

  const anonymous = new LRUCache<string, Session & { lastSeen: number }>({ max: maxAnonymousSessions });

  const fresh = (): Session & { lastSeen: number } => {
    const id = token();
    return { id, csrf: csrfOf(id), handle: sha256(id), lastSeen: nowSeconds() };
  };

  const fromRecord = (id: string, r: LoginSessionRecord): Session => ({
    id,
    csrf: csrfOf(id),
    handle: r.idHash,
    subject: r.subject,
    authTime: r.authTime,
    amr: r.amr,
    ...(r.interactionId === undefined ? {} : { interactionId: r.interactionId }),
  });

  const cookieId = (req: HttpRequest): string | undefined => {
    const id = parseCookies(req.headers['cookie']).get(sessionCookieName);
    return id !== undefined && plausibleId(id) ? id : undefined;
  };

  const get = async (req: HttpRequest): Promise<Session | undefined> => {
    const id = cookieId(req);
    if (id === undefined) return undefined;
    const t = nowSeconds();
    const anon = anonymous.get(id);
    if (anon !== undefined) {
      if (t - anon.lastSeen > idleSeconds) {
        anonymous.delete(id);
        return undefined;
      }
      anon.lastSeen = t;
      return anon;
    }
    const found = await unwrap(store.find(sha256(id)));
    if (found._tag === 'None') return undefined;
    const r = found.value;
    if (r.expiresAt <= t) return undefined;
    if (t - r.lastSeenAt >= touchEverySeconds) await unwrap(store.touch(r.idHash, t, Math.min(t + idleSeconds, r.createdAt + absoluteSeconds)));
    return fromRecord(id, r);
  };

  return {
    get,
    ensure: async (req) => {
      const existing = await get(req);
      if (existing !== undefined) return { session: existing };
      const s = fresh();
      anonymous.set(s.id, s);
      return { session: s, setCookie: cookie(s.id) };
    },
    signIn: async (old, subject, authTime, signInOptions = {}) => {
      anonymous.delete(old.id);
      if (old.subject !== undefined) await unwrap(store.remove(old.handle));
      const id = token();
      const t = nowSeconds();
      const record: LoginSessionRecord = {
        idHash: sha256(id),
        subject,
        authTime,
        amr: signInOptions.amr ?? ['pwd'],
        ...(signInOptions.interactionId === undefined ? {} : { interactionId: signInOptions.interactionId }),
        createdAt: t,
        lastSeenAt: t,
        expiresAt: t + idleSeconds,
        ...(signInOptions.userAgent === undefined ? {} : { userAgent: signInOptions.userAgent.slice(0, 255) }),
      };
      await unwrap(store.create(record, maxPerUser));
      return { session: fromRecord(id, record), setCookie: cookie(id) };
    },
    checkCsrf: (session, presented) => {
      if (presented === undefined) return false;
      const a = Buffer.from(session.csrf);
      const b = Buffer.from(presented);
      return a.length === b.length && timingSafeEqual(a, b);
    },
    end: async (req) => {
      const id = cookieId(req);
      if (id === undefined) return false;
      if (anonymous.delete(id)) return true;
      return unwrap(store.remove(sha256(id)));
    },
    list: async (subject) => {
      const t = nowSeconds();
      return (await unwrap(store.listBySubject(subject)))
        .filter((r) => r.expiresAt > t)
        .map((r) => ({ handle: r.idHash, createdAt: r.createdAt, lastSeenAt: r.lastSeenAt, amr: r.amr, ...(r.userAgent === undefined ? {} : { userAgent: r.userAgent }) }));
    },
    endOne: async (subject, handle) => {
      const found = await unwrap(store.find(handle));
      return found._tag === 'Some' && found.value.subject === subject && (await unwrap(store.remove(handle)));
    },
    endAll: (subject, keepHandle) => unwrap(store.removeBySubject(subject, keepHandle)),
    clearCookie: `${sessionCookieName}=; Path=/; HttpOnly; SameSite=Lax${options.secure ? '; Secure' : ''}; Max-Age=0`,
    anonymousSize: () => anonymous.size,
  };
};
