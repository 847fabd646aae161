import { type JwksFetcher, type StoreError } from '@grantor/core';
import { privateJwkMembers, storeError, type PublicJwk } from '@grantor/core/extend';

/** Options of {@link httpJwksFetcher}. */
export interface HttpJwksFetcherOptions {
  /** Whole-fetch deadline (connect, redirects, body), in milliseconds. Default 3000. */
  readonly timeoutMs?: number;
  /** How long a fetched set is used: the default and the upper bound of `Cache-Control: max-age`. Default 300. */
  readonly maxAgeSeconds?: number;
  /** Lower bound of the cache lifetime (also for `max-age=0`, `no-cache`, `no-store`). Default 30. */
  readonly minAgeSeconds?: number;
  /** Largest accepted document, in bytes. Default 65536 (64 KiB). */
  readonly maxBytes?: number;
  /**
   * Plain `http:` URIs: `false` (default, HTTPS only), `'loopback'` (only `127.0.0.0/8`, `[::1]`, `localhost`, for
   * tests and local development), `true` (any host; never in production).
   */
  readonly allowHttp?: boolean | 'loopback';
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

const isLoopback = (hostname: string): boolean => hostname === 'localhost' || hostname === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(hostname);

/** The URL policy: `https:` only, `http:` when allowed (for loopback hosts only with `'loopback'`), no credentials. */
const checkUrl = (raw: string, allowHttp: boolean | 'loopback'): URL | string => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `jwks_uri ${raw} is not an absolute URL`;
  }
  if (url.username !== '' || url.password !== '') return `jwks_uri ${url.origin} must not carry credentials`;
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && (allowHttp === true || (allowHttp === 'loopback' && isLoopback(url.hostname)))) return url;
  return `jwks_uri ${url.origin}${url.pathname} is not https (allowHttp: ${String(allowHttp)})`;
};

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

/** Reads at most `maxBytes` of the body; `undefined` when it is larger (the stream is cancelled). */
const readLimited = async (response: Response, maxBytes: number): Promise<Uint8Array | undefined> => {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    return undefined;
  }
  if (response.body === null) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
};

const isTimeout = (cause: unknown): boolean => isRecord(cause) && (cause['name'] === 'TimeoutError' || cause['name'] === 'AbortError');

/**
 * A `JwksFetcher` (the core's port for clients registered with `jwks_uri`, RFC 7591 §2) over the global `fetch`:
 * HTTPS only (unless `allowHttp`), a whole-fetch deadline (`AbortSignal.timeout`), a size limit, redirects only to
 * the same scheme, a JSON and JWK Set shape check, and an in-memory cache per URI honouring `Cache-Control: max-age`
 * within `[minAgeSeconds, maxAgeSeconds]`. Concurrent fetches of one URI share one request. A refresh (the core asks
 * after an unknown `kid`) bypasses the cache at most once per `refreshCooldownSeconds`. Failures are `StoreError`
 * values: `transient` for a timeout, a network failure, a 5xx or 429; permanent for a refused URL, another status,
 * an oversized or malformed document. Never throws or rejects.
 */
export const httpJwksFetcher = (options: HttpJwksFetcherOptions = {}): JwksFetcher => {
  const timeoutMs = options.timeoutMs ?? 3000;
  const maxAge = options.maxAgeSeconds ?? 300;
  const minAge = Math.min(options.minAgeSeconds ?? 30, maxAge);
  const maxBytes = options.maxBytes ?? 64 * 1024;
  const allowHttp = options.allowHttp ?? false;
  const cooldown = options.refreshCooldownSeconds ?? 30;
  const maxRedirects = options.maxRedirects ?? 3;
  const maxEntries = options.maxEntries ?? 1000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, Entry>();
  const inFlight = new Map<string, Promise<Result>>();

  const download = async (uri: string): Promise<Result> => {
    const first = checkUrl(uri, allowHttp);
    if (typeof first === 'string') return left(first, false);
    const signal = AbortSignal.timeout(timeoutMs);
    let url = first;
    try {
      for (let hop = 0; ; hop++) {
        const response = await fetch(url, { signal, redirect: 'manual', headers: { accept: 'application/jwk-set+json, application/json' } });
        if (response.status >= 300 && response.status < 400 && response.headers.has('location')) {
          await response.body?.cancel().catch(() => undefined);
          if (hop >= maxRedirects) return left(`jwks_uri ${uri}: more than ${maxRedirects} redirects`, false);
          const next = checkUrl(new URL(response.headers.get('location') ?? '', url).href, allowHttp);
          if (typeof next === 'string') return left(`jwks_uri ${uri} redirects to a refused URL: ${next}`, false);
          if (next.protocol !== url.protocol) return left(`jwks_uri ${uri} redirects to another scheme (${next.protocol})`, false);
          url = next;
          continue;
        }
        if (response.status !== 200) {
          await response.body?.cancel().catch(() => undefined);
          return left(`jwks_uri ${uri} answered ${response.status}`, response.status >= 500 || response.status === 429);
        }
        const bytes = await readLimited(response, maxBytes);
        if (bytes === undefined) return left(`jwks_uri ${uri}: the document is larger than ${maxBytes} bytes`, false);
        let json: unknown;
        try {
          json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
        } catch (cause) {
          return left(`jwks_uri ${uri}: the document is not JSON`, false, cause);
        }
        const set = parseJwkSet(json);
        if (typeof set === 'string') return left(`jwks_uri ${uri}: ${set}`, false);
        const ttl = Math.min(maxAge, Math.max(minAge, cacheMaxAge(response.headers.get('cache-control')) ?? maxAge));
        const at = now();
        cache.delete(uri);
        cache.set(uri, { set, fetchedAt: at, expiresAt: at + ttl * 1000 });
        while (cache.size > maxEntries) cache.delete(cache.keys().next().value as string);
        return right(set);
      }
    } catch (cause) {
      return isTimeout(cause) ? left(`jwks_uri ${uri} timed out after ${timeoutMs} ms`, true, cause) : left(`jwks_uri ${uri} could not be fetched: ${String(cause)}`, true, cause);
    }
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
