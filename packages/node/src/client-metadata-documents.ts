import type { ClientMetadataDocumentFetcher, StoreError } from '@grantor/core';
import { storeError } from '@grantor/core/extend';
import { cacheMaxAge } from './jwks-fetcher.js';
import { outboundFetcher, type HostResolver } from './outbound-fetch.js';

/** Options of {@link httpClientMetadataDocuments}. */
export interface HttpClientMetadataDocumentsOptions {
  /** Whole-fetch deadline (resolution, connection, body), in milliseconds. Default 3000. */
  readonly timeoutMs?: number;
  /** Largest accepted document, in bytes. Default 16384 (16 KiB; the draft suggests 5 KB, real documents exceed it). */
  readonly maxBytes?: number;
  /** Cache lifetime without `Cache-Control`, and the cap on `max-age`, in seconds. Default 3600. */
  readonly maxAgeSeconds?: number;
  /** Floor of the cache lifetime (also for `max-age=0`, `no-cache`, `no-store`), in seconds. Default 60. */
  readonly minAgeSeconds?: number;
  /** Documents kept in the cache (oldest dropped first). Default 1000. */
  readonly maxEntries?: number;
  /** `'loopback'`: `http://127.x.x.x`, `http://[::1]`, `http://localhost` documents and loopback addresses (tests, local development only). Default `false`. */
  readonly allowHttp?: false | 'loopback';
  /** Reach private, loopback and link-local addresses (default `false`). */
  readonly allowPrivateAddresses?: boolean;
  /**
   * Hosts whose documents may be fetched: `example.com` (that host) or `*.example.com` (its subdomains). Absent: any
   * public host. A URL on another host is refused without a request.
   */
  readonly allowedHosts?: readonly string[];
  /** Hosts whose documents are never fetched (same patterns); wins over `allowedHosts`. */
  readonly deniedHosts?: readonly string[];
  /**
   * How long a failed fetch is remembered, in seconds (a negative cache: the URL is not fetched again within it, on
   * any request). Default 30; 0 turns it off.
   */
  readonly failureTtlSeconds?: number;
  /** How host names are resolved (tests inject one). */
  readonly resolve?: HostResolver;
  /** Milliseconds since the epoch (default `Date.now`); for tests. */
  readonly now?: () => number;
}

type Result = { readonly _tag: 'Left'; readonly left: StoreError } | { readonly _tag: 'Right'; readonly right: unknown };
interface Entry {
  readonly document: unknown;
  readonly expiresAt: number;
}

const left = (detail: string, transient: boolean): Result => ({ _tag: 'Left', left: storeError(detail, { transient }) });

/** `pattern` is a host (`example.com`) or every subdomain of one (`*.example.com`); compared case-insensitively. */
const hostMatches = (host: string, pattern: string): boolean => {
  const p = pattern.toLowerCase();
  return p.startsWith('*.') ? host.endsWith(p.slice(1)) && host.length > p.length - 1 : host === p;
};

/** The operator's host policy: `undefined` when `url` may be fetched, else why not. */
const hostRefusal = (url: string, allowed: readonly string[] | undefined, denied: readonly string[]): string | undefined => {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return 'is not a URL';
  }
  if (denied.some((p) => hostMatches(host, p))) return `host ${host} is denied by the operator`;
  if (allowed !== undefined && !allowed.some((p) => hostMatches(host, p))) return `host ${host} is not on the operator's allow list`;
  return undefined;
};

/** A bounded map that forgets its least recently used entry past `max` (a `Map` keeps insertion order). */
const boundedCache = <V>(max: number) => {
  const entries = new Map<string, V>();
  return {
    get: (key: string): V | undefined => {
      const v = entries.get(key);
      if (v !== undefined) {
        entries.delete(key);
        entries.set(key, v);
      }
      return v;
    },
    set: (key: string, value: V): void => {
      entries.delete(key);
      entries.set(key, value);
      while (entries.size > max) entries.delete(entries.keys().next().value as string);
    },
    delete: (key: string): void => {
      entries.delete(key);
    },
  };
};

/**
 * The core's `ClientMetadataDocumentFetcher` port (draft-ietf-oauth-client-id-metadata-document-02 §5) over
 * `outboundFetcher`: HTTPS only, public addresses only after resolution (§8.6), no redirects (the
 * document is the 200 answer at the URL itself), a deadline and a size limit (§8.7), a JSON object or nothing. A
 * fetched document is cached per URL for its `Cache-Control: max-age` within `[minAgeSeconds, maxAgeSeconds]` (§5.2);
 * concurrent fetches of one URL share one request. A failure is remembered for `failureTtlSeconds` (a negative cache,
 * bounded like the positive one): a URL that failed is not fetched again on every request (§8.7, denial of service).
 * The operator's `allowedHosts` / `deniedHosts` are checked before any request. The core validates what it returns.
 */
export const httpClientMetadataDocuments = (options: HttpClientMetadataDocumentsOptions = {}): ClientMetadataDocumentFetcher => {
  const maxAge = options.maxAgeSeconds ?? 3600;
  const minAge = Math.min(options.minAgeSeconds ?? 60, maxAge);
  const maxEntries = options.maxEntries ?? 1000;
  const now = options.now ?? Date.now;
  const outbound = outboundFetcher({
    timeoutMs: options.timeoutMs ?? 3000,
    maxBytes: options.maxBytes ?? 16 * 1024,
    allowHttp: options.allowHttp ?? false,
    maxRedirects: 0,
    ...(options.allowPrivateAddresses === undefined ? {} : { allowPrivateAddresses: options.allowPrivateAddresses }),
    ...(options.resolve === undefined ? {} : { resolve: options.resolve }),
  });
  const cache = new Map<string, Entry>();
  const failureTtl = Math.max(0, options.failureTtlSeconds ?? 30);
  const failures = boundedCache<{ readonly result: Result; readonly expiresAt: number }>(maxEntries);
  const denied = options.deniedHosts ?? [];
  const inFlight = new Map<string, Promise<Result>>();

  const download = async (url: string): Promise<Result> => {
    const fetched = await outbound(url, { accept: 'application/json' });
    if (fetched._tag === 'Left') return left(`client metadata document ${fetched.left.detail}`, fetched.left.transient);
    let document: unknown;
    try {
      document = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(fetched.right.body));
    } catch {
      return left(`client metadata document ${url} is not JSON`, false);
    }
    if (typeof document !== 'object' || document === null || Array.isArray(document)) return left(`client metadata document ${url} is not a JSON object`, false);
    const ttl = Math.min(maxAge, Math.max(minAge, cacheMaxAge(fetched.right.headers['cache-control'] ?? null) ?? maxAge));
    cache.delete(url);
    cache.set(url, { document, expiresAt: now() + ttl * 1000 });
    while (cache.size > maxEntries) cache.delete(cache.keys().next().value as string);
    return { _tag: 'Right', right: document };
  };

  /** A fetch, with its failure remembered for `failureTtl` seconds. */
  const fetchRemembering = async (url: string): Promise<Result> => {
    const result = await download(url);
    if (result._tag === 'Left' && failureTtl > 0) failures.set(url, { result, expiresAt: now() + failureTtl * 1000 });
    return result;
  };

  return (url) => () => {
    const refused = hostRefusal(url, options.allowedHosts, denied);
    if (refused !== undefined) return Promise.resolve(left(`client metadata document ${url}: ${refused}`, false));
    const entry = cache.get(url);
    if (entry !== undefined && now() < entry.expiresAt) return Promise.resolve({ _tag: 'Right', right: entry.document });
    const failed = failures.get(url);
    if (failed !== undefined && now() < failed.expiresAt) return Promise.resolve(failed.result);
    if (failed !== undefined) failures.delete(url);
    const running = inFlight.get(url);
    if (running !== undefined) return running;
    const started = fetchRemembering(url).finally(() => inFlight.delete(url));
    inFlight.set(url, started);
    return started;
  };
};
