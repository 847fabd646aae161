import { type JwksFetcher, type StoreError } from '@grantor/core';
import { privateJwkMembers, storeError, type PublicJwk } from '@grantor/core/extend';
import { outboundFetcher, type HostResolver } from './outbound-fetch.js';

/** Options of {@link httpJwksFetcher}. */
export interface HttpJwksFetcherOptions {
  /** Whole-fetch deadline (resolution, connect, redirects, body), in milliseconds. Default 3000. */
  readonly timeoutMs?: number;
  /** How long a fetched set is used: the default and the upper bound of `Cache-Control: max-age`. Default 300. */
  readonly maxAgeSeconds?: number;
  /** Lower bound of the cache lifetime (also for `max-age=0`, `no-cache`, `no-store`). Default 30. */
  readonly minAgeSeconds?: number;
  /** Largest accepted document, in bytes. Default 65536 (64 KiB). */
  readonly maxBytes?: number;
  /**
   * Plain `http:` URIs: `false` (default, HTTPS only), `'loopback'` (only `127.0.0.0/8`, `[::1]`, `localhost`, and
   * loopback addresses become reachable; for tests and local development), `true` (any host that passes the address
   * check; never in production).
   */
  readonly allowHttp?: boolean | 'loopback';
  /** Reach private, loopback and link-local addresses (default `false`: refused after resolution and on every redirect). */
  readonly allowPrivateAddresses?: boolean;
  /** How host names are resolved (tests inject one); the connection goes to the addresses it returns, once checked. */
  readonly resolve?: HostResolver;
  /** A refresh (unknown `kid`) refetches at most once per this many seconds per URI. Default 30. */
  readonly refreshCooldownSeconds?: number;
  /** Redirects followed per fetch (same scheme only, never `https:` → `http:`). Default 3. */
  readonly maxRedirects?: number;
  /** Cached URIs kept (oldest dropped first). Default 1000. */
  readonly maxEntries?: number;
  /** Milliseconds since the epoch (default `Date.now`); for tests. */
  readonly now?: () => number;
}

type JwkSet = { readonly keys: readonly PublicJwk[] };
type Result = { readonly _tag: 'Left'; readonly left: StoreError } | { readonly _tag: 'Right'; readonly right: JwkSet };
interface Entry {
  readonly set: JwkSet;
  readonly fetchedAt: number;
  readonly expiresAt: number;
}

const left = (detail: string, transient: boolean, cause?: unknown): Result => ({
  _tag: 'Left',
  left: storeError(detail, cause === undefined ? { transient } : { transient, cause }),
});
const right = (set: JwkSet): Result => ({ _tag: 'Right', right: set });

/** RFC 9111 §5.2.2.1 / §5.2.2.4-5: `max-age` in seconds; `no-cache`/`no-store` as 0; absent → undefined. */
export const cacheMaxAge = (header: string | null): number | undefined => {
  if (header === null) return undefined;
  const directives = header.toLowerCase().split(',').map((d) => d.trim());
  if (directives.some((d) => d === 'no-store' || d === 'no-cache')) return 0;
  for (const d of directives) {
    const m = /^max-age="?(\d{1,10})"?$/.exec(d);
    if (m !== null) return Number(m[1]);
  }
  return undefined;
};

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> => typeof u === 'object' && u !== null && !Array.isArray(u);

/**
 * RFC 7517 §5: a JWK Set is an object whose `keys` member is an array of JWKs (objects with a `kty`). Keys of
 * unknown types are kept (§5: ignored by the verifier); symmetric `oct` keys and every private member are dropped.
 */
export const parseJwkSet = (json: unknown): JwkSet | string => {
  if (!isRecord(json) || !Array.isArray(json['keys'])) return 'the document is not a JWK Set ({"keys": [...]})';
  const keys: PublicJwk[] = [];
  for (const k of json['keys'] as readonly unknown[]) {
    if (!isRecord(k) || typeof k['kty'] !== 'string' || k['kty'] === '') return 'a member of keys is not a JWK (object with a kty)';
    if (k['kty'] === 'oct') continue;
    keys.push(Object.fromEntries(Object.entries(k).filter(([name]) => !privateJwkMembers.includes(name))) as PublicJwk);
  }
  return { keys };
};

/**
 * A `JwksFetcher` (the core's port for clients registered with `jwks_uri`, RFC 7591 §2) over `outboundFetcher`:
 * HTTPS only (unless `allowHttp`), private, loopback and link-local addresses refused after resolution and on every
 * redirect (SSRF, RFC 7591 §5; unless `allowPrivateAddresses`), a whole-fetch deadline, a size limit, redirects only to
 * the same scheme, a JSON and JWK Set shape check, and an in-memory cache per URI honouring `Cache-Control: max-age`
 * within `[minAgeSeconds, maxAgeSeconds]`. Concurrent fetches of one URI share one request. A refresh (the core asks
 * after an unknown `kid`) bypasses the cache at most once per `refreshCooldownSeconds`. Failures are `StoreError`
 * values: `transient` for a timeout, a network failure, a 5xx or 429; permanent for a refused URL, another status,
 * an oversized or malformed document. Never throws or rejects.
 */
export const httpJwksFetcher = (options: HttpJwksFetcherOptions = {}): JwksFetcher => {
  const maxAge = options.maxAgeSeconds ?? 300;
  const minAge = Math.min(options.minAgeSeconds ?? 30, maxAge);
  const cooldown = options.refreshCooldownSeconds ?? 30;
  const maxEntries = options.maxEntries ?? 1000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, Entry>();
  const inFlight = new Map<string, Promise<Result>>();

  const outbound = outboundFetcher({
    timeoutMs: options.timeoutMs ?? 3000,
    maxBytes: options.maxBytes ?? 64 * 1024,
    allowHttp: options.allowHttp ?? false,
    maxRedirects: options.maxRedirects ?? 3,
    ...(options.allowPrivateAddresses === undefined ? {} : { allowPrivateAddresses: options.allowPrivateAddresses }),
    ...(options.resolve === undefined ? {} : { resolve: options.resolve }),
  });

  const download = async (uri: string): Promise<Result> => {
    const fetched = await outbound(uri, { accept: 'application/jwk-set+json, application/json' });
    if (fetched._tag === 'Left') return left(`jwks_uri ${fetched.left.detail}`, fetched.left.transient);
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(fetched.right.body));
    } catch (cause) {
      return left(`jwks_uri ${uri}: the document is not JSON`, false, cause);
    }
    const set = parseJwkSet(json);
    if (typeof set === 'string') return left(`jwks_uri ${uri}: ${set}`, false);
    const ttl = Math.min(maxAge, Math.max(minAge, cacheMaxAge(fetched.right.headers['cache-control'] ?? null) ?? maxAge));
    const at = now();
    cache.delete(uri);
    cache.set(uri, { set, fetchedAt: at, expiresAt: at + ttl * 1000 });
    while (cache.size > maxEntries) cache.delete(cache.keys().next().value as string);
    return right(set);
  };

  const shared = (uri: string): Promise<Result> => {
    const running = inFlight.get(uri);
    if (running !== undefined) return running;
    const started = download(uri).finally(() => inFlight.delete(uri));
    inFlight.set(uri, started);
    return started;
  };

  return {
    fetch: (uri, fetchOptions) => () => {
      const entry = cache.get(uri);
      const at = now();
      if (entry !== undefined) {
        const fresh = at < entry.expiresAt;
        const refreshAllowed = at - entry.fetchedAt >= cooldown * 1000;
        if (fresh && (fetchOptions?.refresh !== true || !refreshAllowed)) return Promise.resolve(right(entry.set));
      }
      return shared(uri);
    },
  };
};
