import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import { createSqlStore, openSqlStore } from './index.js';

// Port 1 on the loopback refuses connections: no server is needed for these tests.
describe.each([
  ['postgres', 'postgres://postgres@127.0.0.1:1/test'],
  ['mysql', 'mysql://root@127.0.0.1:1/test'],
])('an unreachable %s server', (_, url) => {
  it('makes every port call a transient StoreError value (temporarily_unavailable), never a rejection', async () => {
    const store = createSqlStore({ db: { url, connectTimeoutMs: 1000 } });
    try {
      const results = await Promise.all([
        store.clients.find('c')(),
        store.authorizationCodes.redeem('h', 1)(),
        store.refreshTokens.rotate('h', { tokenHash: 'n', grantId: 'g', clientId: 'c', subject: 's', scope: [], grantedScope: [], issuedAt: 1, expiresAt: 2 }, 1)(),
        store.replay.remember('k', 1)(),
        store.sweeper.sweep(1)(),
      ]);
      for (const r of results) expect(E.isLeft(r) && r.left).toMatchObject({ _tag: 'StoreError', transient: true });
    } finally {
      await store.close();
    }
  });

  it('makes openSqlStore reject at startup', async () => {
    await expect(openSqlStore({ url, connectTimeoutMs: 1000 })).rejects.toThrow();
  });
});
