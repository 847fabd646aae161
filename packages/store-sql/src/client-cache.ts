import { LRUCache } from 'lru-cache';
import type { Client } from '@grantor/core';

/**
 * The clients the token endpoint looks up on every request, kept in memory for a short time.
 *
 * - Bounded: at most `max` clients (least recently used evicted first).
 * - Invalidated explicitly: every write to a client through this store (`clients.save` — registration, metadata
 *   changes, secret rotation — and `clientSecretJwtKeys.save`/`remove`) drops its entry before the write and again
 *   after it, and a read that started before an invalidation never fills the cache.
 * - Expiring: an entry lives `ttlMs` at most, so a change made by another process (another server on the same
 *   database, an admin tool writing SQL) is seen within that time.
 * Only found clients are cached; an unknown client id always asks the database.
 */
export interface ClientCache {
  readonly getClient: (clientId: string) => Client | undefined;
  readonly getSecret: (clientId: string) => string | undefined;
  /** A token for a read about to start: `putClient`/`putSecret` ignore it when an invalidation happened meanwhile. */
  readonly stamp: () => number;
  readonly putClient: (stamp: number, client: Client) => void;
  readonly putSecret: (stamp: number, clientId: string, secret: string) => void;
  readonly invalidate: (clientId: string) => void;
}

export interface ClientCacheOptions {
  /** Maximum cached clients (default 1000; 0 turns the cache off). */
  readonly max: number;
  /** Lifetime of an entry in milliseconds (default 5000; 0 turns the cache off). */
  readonly ttlMs: number;
}

const noCache: ClientCache = {
  getClient: () => undefined,
  getSecret: () => undefined,
  stamp: () => 0,
  putClient: () => undefined,
  putSecret: () => undefined,
  invalidate: () => undefined,
};

export const clientCache = ({ max, ttlMs }: ClientCacheOptions): ClientCache => {
  if (max <= 0 || ttlMs <= 0) return noCache;
  const clients = new LRUCache<string, Client>({ max, ttl: ttlMs });
  // `client_secret_jwt` secrets (opened with the sealer, which may be slow, e.g. PBES2).
  const secrets = new LRUCache<string, string>({ max, ttl: ttlMs });
  let generation = 0;
  return {
    getClient: (id) => clients.get(id),
    getSecret: (id) => secrets.get(id),
    stamp: () => generation,
    putClient: (stamp, client) => {
      if (stamp === generation) clients.set(client.clientId, client);
    },
    putSecret: (stamp, id, secret) => {
      if (stamp === generation) secrets.set(id, secret);
    },
    invalidate: (id) => {
      generation++;
      clients.delete(id);
      secrets.delete(id);
    },
  };
};
