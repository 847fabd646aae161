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

/**
 * The core's `ClientMetadataDocumentFetcher` port (draft-ietf-oauth-client-id-metadata-document-02 §5) over
 * `outboundFetcher`: HTTPS only, public addresses only after resolution (§8.6), no redirects (the
 * document is the 200 answer at the URL itself), a deadline and a size limit (§8.7), a JSON object or nothing. A
 * fetched document is cached per URL for its `Cache-Control: max-age` within `[minAgeSeconds, maxAgeSeconds]` (§5.2);
 * concurrent fetches of one URL share one request; failures are not cached. The core validates what it returns.
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

  return (url) => () => {
    const entry = cache.get(url);
    if (entry !== undefined && now() < entry.expiresAt) return Promise.resolve({ _tag: 'Right', right: entry.document });
    const running = inFlight.get(url);
    if (running !== undefined) return running;
    const started = download(url).finally(() => inFlight.delete(url));
    inFlight.set(url, started);
    return started;
  };
};
