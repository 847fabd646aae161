/**
 * Attempt limits that hold under parallel requests and across every node of a deployment.
 *
 * Every attempt is COUNTED BEFORE IT IS CHECKED (one atomic consume per key), so 250 parallel wrong passwords meet the
 * limit after the first few, not after all were checked; a successful attempt is then given back, so only failures
 * accumulate. Backends (THROTTLE_URL): in memory (one process; a bounded LRU of counters), Redis (`redis://…`) or
 * PostgreSQL (`postgres://…`), the last two through `rate-limiter-flexible`, so the limits are shared by all nodes.
 * Keys are SHA-256 digests: a 60 KB username costs the same 43 characters as any other.
 *
 * RFC 6749 §10.10 / RFC 9700 §4.16 (online guessing of credentials), RFC 8628 §5.1 (user codes have little entropy,
 * so wrong guesses must be rate limited), RFC 6749 §2.3.1 (brute-force protection for client passwords).
 */
import { createHash } from 'node:crypto';
import type { ClientAuthThrottle } from '@grantor/core';
import { storeError } from '@grantor/core/extend';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { LRUCache } from 'lru-cache';
import { RateLimiterPostgres, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

/** At most `points` attempts per key within a fixed window of `windowSeconds`. */
interface LimitRule {
  readonly points: number;
  readonly windowSeconds: number;
}

type Verdict = { readonly _tag: 'Allowed' } | { readonly _tag: 'Refused'; readonly retryAfterSeconds: number };

/** One limit: counts attempts per key. */
export interface Limiter {
  /** Counts one attempt for `key` (atomically) and says whether it stays within the limit. */
  readonly consume: (key: string) => Promise<Verdict>;
  /** Gives one attempt back (the attempt succeeded). */
  readonly reward: (key: string) => Promise<void>;
}

/** Where the counters live. */
export interface LimiterBackend {
  readonly kind: 'memory' | 'redis' | 'postgres';
  readonly limiter: (name: string, rule: LimitRule) => Limiter;
  readonly close: () => Promise<void>;
}

/** Counter keys have a bounded length whatever the input (usernames, client ids, addresses). */
const digest = (key: string): string => createHash('sha256').update(key).digest('base64url');

/** Most counters one in-memory limiter keeps; beyond it the least recently used are dropped. */
const memoryMaxKeys = 100_000;

/**
 * Fixed-window counters in a bounded LRU (`maxKeys`, each entry dropped when its window ends). JavaScript runs each
 * consume as one synchronous step, so it is atomic within the process.
 */
export const memoryBackend = (options: { readonly maxKeys?: number; readonly now?: () => number } = {}): LimiterBackend => {
  const now = options.now ?? (() => Date.now());
  return {
    kind: 'memory',
    limiter: (name, rule) => {
      const windows = new LRUCache<string, { count: number; readonly resetAt: number }>({ max: options.maxKeys ?? memoryMaxKeys });
      const entry = (key: string) => {
        const k = digest(`${name}\u0000${key}`);
        const t = now();
        const current = windows.get(k);
        if (current !== undefined && current.resetAt > t) return { k, current, t };
        const fresh = { count: 0, resetAt: t + rule.windowSeconds * 1000 };
        windows.set(k, fresh);
        return { k, current: fresh, t };
      };
      return {
        consume: async (key) => {
          const { current, t } = entry(key);
          current.count += 1;
          return current.count <= rule.points ? { _tag: 'Allowed' } : { _tag: 'Refused', retryAfterSeconds: Math.max(1, Math.ceil((current.resetAt - t) / 1000)) };
        },
        reward: async (key) => {
          const { current } = entry(key);
          current.count = Math.max(0, current.count - 1);
        },
      };
    },
    close: async () => undefined,
  };
};

/** `rate-limiter-flexible`'s promise protocol (a refusal rejects with a `RateLimiterRes`) as a `Limiter`. */
const flexible = (limiter: RateLimiterAbstract): Limiter => ({
  consume: async (key) => {
    try {
      await limiter.consume(digest(key));
      return { _tag: 'Allowed' };
    } catch (refusal) {
      if (refusal instanceof RateLimiterRes) return { _tag: 'Refused', retryAfterSeconds: Math.max(1, Math.ceil(refusal.msBeforeNext / 1000)) };
      throw refusal;
    }
  },
  reward: async (key) => {
    await limiter.reward(digest(key));
  },
});

/** Counters in Redis (`THROTTLE_URL=redis://…`): one atomic INCR-with-expiry per attempt, shared by every node. */
const redisBackend = async (url: string): Promise<LimiterBackend> => {
  const { Redis } = await import('ioredis');
  const client = new Redis(url, { maxRetriesPerRequest: 2, connectTimeout: 3000, lazyConnect: true });
  try {
    await client.connect();
    await client.ping();
  } catch (e) {
    client.disconnect();
    throw new Error(`THROTTLE_URL: Redis unreachable (${e instanceof Error ? e.message : String(e)})`);
  }
  return {
    kind: 'redis',
    limiter: (name, rule) => flexible(new RateLimiterRedis({ storeClient: client, keyPrefix: `grantor:throttle:${name}`, points: rule.points, duration: rule.windowSeconds })),
    close: async () => {
      await client.quit().catch(() => client.disconnect());
    },
  };
};

/** Counters in PostgreSQL (`THROTTLE_URL=postgres://…`): one upsert per attempt, shared by every node. */
const postgresBackend = async (url: string): Promise<LimiterBackend> => {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  const tableName = 'grantor_throttle';
  // the first limiter creates the table; the others wait for it
  let created: Promise<void> | undefined;
  const ensureTable = (): Promise<void> =>
    (created ??= new Promise<void>((resolve, reject) => {
      new RateLimiterPostgres({ storeClient: pool, tableName, points: 1, duration: 1, keyPrefix: 'grantor-setup' }, (e?: unknown) => (e === undefined || e === null ? resolve() : reject(e as Error)));
    }));
  await ensureTable();
  return {
    kind: 'postgres',
    limiter: (name, rule) => flexible(new RateLimiterPostgres({ storeClient: pool, tableName, tableCreated: true, keyPrefix: name, points: rule.points, duration: rule.windowSeconds })),
    close: async () => {
      await pool.end();
    },
  };
};

/** The backend THROTTLE_URL names: none → memory; `redis://`/`rediss://` → Redis; `postgres://`/`postgresql://` → PostgreSQL. */
export const throttleBackend = async (url: string | undefined): Promise<LimiterBackend> => {
  if (url === undefined) return memoryBackend();
  const scheme = new URL(url).protocol;
  if (scheme === 'redis:' || scheme === 'rediss:') return redisBackend(url);
  if (scheme === 'postgres:' || scheme === 'postgresql:') return postgresBackend(url);
  throw new Error(`THROTTLE_URL must be a redis:// or postgres:// URL, got ${scheme}`);
};

/** One attempt counted on several limits at once. */
export interface Attempt {
  readonly verdict: Verdict;
  /** Gives the attempt back on every limit (it succeeded). */
  readonly forgive: () => Promise<void>;
}

/**
 * Counts one attempt on every `[limiter, key]` BEFORE the caller checks anything; refused when any limit is exceeded
 * (the longest wait wins). Every limit is counted even when one refuses, so a refused flood keeps counting.
 */
export const attempt = async (checks: readonly (readonly [Limiter, string])[]): Promise<Attempt> => {
  const verdicts = await Promise.all(checks.map(([limiter, key]) => limiter.consume(key)));
  const waits = verdicts.flatMap((v) => (v._tag === 'Refused' ? [v.retryAfterSeconds] : []));
  return {
    verdict: waits.length === 0 ? { _tag: 'Allowed' } : { _tag: 'Refused', retryAfterSeconds: Math.max(...waits) },
    forgive: async () => {
      await Promise.all(checks.map(([limiter, key]) => limiter.reward(key)));
    },
  };
};

/** Loopback addresses: behind a local reverse proxy every visitor has one, so per-address limits skip them unless asked. */
const isLoopback = (address: string): boolean => address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');

/** The limits of the reference server (15-minute windows for people, 1 minute for client authentication). */
export interface ServerThrottles {
  readonly backend: LimiterBackend['kind'];
  /** Sign-in: per account, per account and address, per address. */
  readonly login: { readonly perAccount: Limiter; readonly perAccountAddress: Limiter; readonly perAddress: Limiter };
  /** RFC 8628 user-code entry: per browser session and per address. */
  readonly device: { readonly perSession: Limiter; readonly perAddress: Limiter };
  /** RFC 6749 §2.3.1 client authentication: per client id and per address. */
  readonly clientAuth: { readonly perClient: Limiter; readonly perAddress: Limiter };
  /** RFC 7591 registrations per address (REGISTRATION_RATE per hour; absent when 0). */
  readonly registration?: { readonly perAddress: Limiter };
  /** Whether per-address limits apply to loopback addresses (THROTTLE_LOOPBACK=1). */
  readonly limitLoopback: boolean;
  readonly close: () => Promise<void>;
}

const quarterHour = 15 * 60;

/**
 * Per-address limits are generous on purpose: many people share one address (NAT, proxies). The per-account and
 * per-session limits carry the tight bound: 10 wrong passwords per account and address, 30 per account from anywhere,
 * 10 wrong user codes per session (against a 20^8 code space). Client secrets are high-entropy (at least 32
 * characters): 60 failures per client id per minute refuses guessing at scale without locking a client out for long.
 * RFC 7591 registrations (every attempt, successful or not) are limited per address per hour (REGISTRATION_RATE).
 */
export const serverThrottles = (backend: LimiterBackend, limitLoopback = false, registrationsPerHour = 20): ServerThrottles => ({
  backend: backend.kind,
  login: {
    perAccount: backend.limiter('login-account', { points: 30, windowSeconds: quarterHour }),
    perAccountAddress: backend.limiter('login-account-address', { points: 10, windowSeconds: quarterHour }),
    perAddress: backend.limiter('login-address', { points: 1000, windowSeconds: quarterHour }),
  },
  device: {
    perSession: backend.limiter('device-session', { points: 10, windowSeconds: quarterHour }),
    perAddress: backend.limiter('device-address', { points: 1000, windowSeconds: quarterHour }),
  },
  clientAuth: {
    perClient: backend.limiter('client-auth-client', { points: 60, windowSeconds: 60 }),
    perAddress: backend.limiter('client-auth-address', { points: 600, windowSeconds: 60 }),
  },
  ...(registrationsPerHour > 0 ? { registration: { perAddress: backend.limiter('registration-address', { points: registrationsPerHour, windowSeconds: 3600 }) } } : {}),
  limitLoopback,
  close: backend.close,
});

/** The checks of one attempt from `address`: per-address limits skip loopback unless THROTTLE_LOOPBACK=1. */
export const byAddress = (throttles: ServerThrottles, limiter: Limiter, address: string | undefined): readonly (readonly [Limiter, string])[] =>
  address === undefined || (isLoopback(address) && !throttles.limitLoopback) ? [] : [[limiter, address]];

/** The core's client authentication throttle port over the server's limits (per client id, per address). */
export const clientAuthThrottle = (throttles: ServerThrottles): ClientAuthThrottle => {
  const checks = (clientId: string, address: string | undefined) => [[throttles.clientAuth.perClient, clientId] as const, ...byAddress(throttles, throttles.clientAuth.perAddress, address)];
  const fault = (e: unknown) => storeError(`client authentication throttle: ${e instanceof Error ? e.message : String(e)}`, { transient: true, cause: e });
  return {
    attempt: (clientId, address) => TE.tryCatch(async () => (await attempt(checks(clientId, address))).verdict, fault),
    succeeded: (clientId, address) =>
      TE.tryCatch(async () => {
        await Promise.all(checks(clientId, address).map(([limiter, key]) => limiter.reward(key)));
      }, fault),
  };
};
