/** Contract: the operator's store (lists with cursors, bulk revocation, client deletion with what it issued). */
import { describe, expect, it } from 'vitest';
import * as O from 'fp-ts/lib/Option.js';
import type { AdminStore, PageRequest, TokenEntry } from '@grantor/core/extend';
import type { Page } from '@grantor/core';
import { accessTokenRecord, clientRecord, codeRecord, ok, refreshTokenRecord, t0, uniqueId, type ContractContext } from './harness.js';

const now = t0 + 100;

/** Every item of a list, page by page (`limit` per page), checking each page's size and that the pages end. */
const all = async <A>(limit: number, page: (p: PageRequest) => Promise<Page<A>>): Promise<A[]> => {
  const items: A[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 100; i++) {
    const p = await page({ limit, ...(cursor === undefined ? {} : { cursor }) });
    expect(p.items.length).toBeLessThanOrEqual(limit);
    items.push(...p.items);
    if (p.next === undefined) return items;
    expect(p.items.length).toBe(limit);
    cursor = p.next;
  }
  throw new Error('pages never ended');
};

const idOf = (e: TokenEntry): string => (e.kind === 'access_token' ? e.record.id : e.record.tokenHash);

export const adminContract = ({ store }: ContractContext): void => {
  const admin = (): AdminStore => {
    const a = store().admin;
    if (a === undefined) throw new Error('no admin port');
    return a;
  };

  describe('AdminStore', () => {
    it('lists clients in client_id order, page by page, filtered by substring and disabled flag', async () => {
      if (store().admin === undefined) return;
      const tag = uniqueId('tag').replace(/[^A-Za-z0-9]/g, 'x');
      const clients = [3, 1, 4, 0, 2].map((i) => clientRecord({ clientId: `${tag}-c${i}`, clientName: `Client ${i}`, ...(i % 2 === 1 ? { disabled: true } : {}) }));
      for (const c of clients) await ok(store().clients.save(c));
      const listed = await all(2, (p) => ok(admin().listClients({ ...p, search: tag })));
      expect(listed.map((c) => c.clientId)).toEqual([0, 1, 2, 3, 4].map((i) => `${tag}-c${i}`));
      expect(listed.find((c) => c.clientId === `${tag}-c1`)).toStrictEqual(clients[1]);
      const disabled = await all(10, (p) => ok(admin().listClients({ ...p, search: tag, disabled: true })));
      expect(disabled.map((c) => c.clientId)).toEqual([`${tag}-c1`, `${tag}-c3`]);
      const enabled = await all(10, (p) => ok(admin().listClients({ ...p, search: tag, disabled: false })));
      expect(enabled.map((c) => c.clientId)).toEqual([`${tag}-c0`, `${tag}-c2`, `${tag}-c4`]);
      expect((await ok(admin().listClients({ limit: 5, search: `${tag}-c9` }))).items).toEqual([]);
    });

    it('filters clients by how they were registered: dynamic (RFC 7591, with a registration) or static', async () => {
      if (store().admin === undefined) return;
      const tag = uniqueId('reg').replace(/[^A-Za-z0-9]/g, 'x');
      // a static client whose metadata merely mentions "registration" stays static
      const clients = [0, 1, 2, 3].map((i) =>
        clientRecord({ clientId: `${tag}-c${i}`, ...(i % 2 === 0 ? { registration: { accessTokenHash: `hash-${i}`, registeredAt: t0 - i } } : { metadata: { registration: 'manual' } }) }),
      );
      for (const c of clients) await ok(store().clients.save(c));
      const dynamic = await all(1, (p) => ok(admin().listClients({ ...p, search: tag, registered: 'dynamic' })));
      expect(dynamic).toStrictEqual([clients[0], clients[2]]);
      const fixed = await all(10, (p) => ok(admin().listClients({ ...p, search: tag, registered: 'static' })));
      expect(fixed.map((c) => c.clientId)).toEqual([`${tag}-c1`, `${tag}-c3`]);
    });

    it('deleteClient removes the client and everything issued to it, nothing of other clients', async () => {
      if (store().admin === undefined) return;
      const client = clientRecord();
      const other = clientRecord();
      await ok(store().clients.save(client));
      await ok(store().clients.save(other));
      const mine = { access: accessTokenRecord({ clientId: client.clientId }), refresh: refreshTokenRecord({ clientId: client.clientId }), code: codeRecord({ clientId: client.clientId }) };
      const theirs = accessTokenRecord({ clientId: other.clientId });
      await ok(store().accessTokens.save(mine.access));
      await ok(store().refreshTokens.save(mine.refresh));
      await ok(store().authorizationCodes.save(mine.code));
      await ok(store().accessTokens.save(theirs));
      await ok(store().consents.grant({ subject: 'alice', clientId: client.clientId, scope: ['openid'], grantedAt: t0 }));
      await ok(store().consents.grant({ subject: 'alice', clientId: other.clientId, scope: ['openid'], grantedAt: t0 }));

      expect(await ok(admin().deleteClient(client.clientId))).toBe(true);
      expect(await ok(store().clients.find(client.clientId))).toEqual(O.none);
      expect(await ok(store().accessTokens.find(mine.access.id))).toEqual(O.none);
      expect(await ok(store().refreshTokens.find(mine.refresh.tokenHash))).toEqual(O.none);
      expect((await ok(store().authorizationCodes.redeem(mine.code.codeHash, t0)))._tag).toBe('NotFound');
      expect(await ok(store().consents.find('alice', client.clientId))).toEqual(O.none);
      expect(O.isSome(await ok(store().clients.find(other.clientId)))).toBe(true);
      expect(O.isSome(await ok(store().accessTokens.find(theirs.id)))).toBe(true);
      expect(O.isSome(await ok(store().consents.find('alice', other.clientId)))).toBe(true);
      expect(await ok(admin().deleteClient(client.clientId))).toBe(false);
    });

    it('lists tokens (access, then refresh) by client, subject, grant, kind and status, page by page', async () => {
      if (store().admin === undefined) return;
      const clientId = uniqueId('client');
      const subject = uniqueId('user');
      const active = accessTokenRecord({ clientId, subject, expiresAt: now + 60 });
      const expired = accessTokenRecord({ clientId, subject, expiresAt: now - 1 });
      const revoked = accessTokenRecord({ clientId, subject: uniqueId('user'), expiresAt: now + 60, revokedAt: t0 + 1 });
      const refresh = refreshTokenRecord({ clientId, subject, expiresAt: now + 60 });
      const rotated = refreshTokenRecord({ clientId, subject, grantId: refresh.grantId, expiresAt: now + 60, rotatedAt: t0 + 2 });
      const otherClient = accessTokenRecord({ subject });
      for (const r of [active, expired, revoked, otherClient]) await ok(store().accessTokens.save(r));
      for (const r of [refresh, rotated]) await ok(store().refreshTokens.save(r));

      const list = (filter: Omit<Parameters<AdminStore['listTokens']>[0], 'limit' | 'cursor' | 'now'>) =>
        all(2, (p) => ok(admin().listTokens({ ...p, ...filter, now })));
      const byClient = await list({ clientId });
      expect(byClient.map((e) => e.kind)).toEqual(['access_token', 'access_token', 'access_token', 'refresh_token', 'refresh_token']);
      expect(new Set(byClient.map(idOf))).toEqual(new Set([active.id, expired.id, revoked.id, refresh.tokenHash, rotated.tokenHash]));
      expect(byClient.find((e) => idOf(e) === active.id)?.record).toStrictEqual(active);
      expect((await list({ clientId, status: 'active' })).map(idOf).sort()).toEqual([active.id, refresh.tokenHash].sort());
      expect((await list({ clientId, status: 'expired' })).map(idOf)).toEqual([expired.id]);
      expect((await list({ clientId, status: 'revoked' })).map(idOf)).toEqual([revoked.id]);
      expect((await list({ clientId, status: 'rotated' })).map(idOf)).toEqual([rotated.tokenHash]);
      expect((await list({ clientId, kind: 'refresh_token' })).map(idOf).sort()).toEqual([refresh.tokenHash, rotated.tokenHash].sort());
      expect((await list({ subject })).map(idOf).sort()).toEqual([active.id, expired.id, otherClient.id, refresh.tokenHash, rotated.tokenHash].sort());
      expect((await list({ clientId, subject, kind: 'access_token' })).map(idOf).sort()).toEqual([active.id, expired.id].sort());
      expect((await list({ grantId: refresh.grantId })).map(idOf).sort()).toEqual([refresh.tokenHash, rotated.tokenHash].sort());
    });

    it('revokeTokens revokes every unrevoked token of the owner, in both tables, and counts them', async () => {
      if (store().admin === undefined) return;
      const clientId = uniqueId('client');
      const [alice, bob] = [uniqueId('user'), uniqueId('user')];
      const a1 = accessTokenRecord({ clientId, subject: alice });
      const a2 = accessTokenRecord({ clientId, subject: bob });
      const already = accessTokenRecord({ clientId, subject: alice, revokedAt: t0 + 1 });
      const r1 = refreshTokenRecord({ clientId, subject: alice });
      const elsewhere = accessTokenRecord({ subject: alice });
      for (const r of [a1, a2, already, elsewhere]) await ok(store().accessTokens.save(r));
      await ok(store().refreshTokens.save(r1));

      expect(await ok(admin().revokeTokens({ clientId, subject: alice }, now))).toBe(2);
      const revokedAt = async (id: string) => O.toUndefined(await ok(store().accessTokens.find(id)))?.revokedAt;
      expect(await revokedAt(a1.id)).toBe(now);
      expect(O.toUndefined(await ok(store().refreshTokens.find(r1.tokenHash)))?.revokedAt).toBe(now);
      expect(await revokedAt(already.id)).toBe(t0 + 1);
      expect(await revokedAt(a2.id)).toBeUndefined();
      expect(await revokedAt(elsewhere.id)).toBeUndefined();
      expect(await ok(admin().revokeTokens({ clientId }, now + 1))).toBe(1);
      expect(await revokedAt(a2.id)).toBe(now + 1);
      expect(await ok(admin().revokeTokens({ subject: alice }, now + 2))).toBe(1);
      expect(await revokedAt(elsewhere.id)).toBe(now + 2);
    });

    it('countActiveTokens counts the active tokens of each table: not revoked, rotated or expired', async () => {
      if (store().admin === undefined) return;
      const before = await ok(admin().countActiveTokens(now));
      const active = accessTokenRecord({ expiresAt: now + 600 });
      const expired = accessTokenRecord({ expiresAt: now });
      const revoked = accessTokenRecord({ expiresAt: now + 600, revokedAt: now - 1 });
      const refresh = refreshTokenRecord({ expiresAt: now + 600 });
      const rotated = refreshTokenRecord({ expiresAt: now + 600, rotatedAt: now - 1 });
      for (const r of [active, expired, revoked]) await ok(store().accessTokens.save(r));
      for (const r of [refresh, rotated]) await ok(store().refreshTokens.save(r));
      expect(await ok(admin().countActiveTokens(now))).toEqual({ accessTokens: before.accessTokens + 1, refreshTokens: before.refreshTokens + 1 });
      await ok(store().accessTokens.revoke(active.id, now));
      expect((await ok(admin().countActiveTokens(now))).accessTokens).toBe(before.accessTokens);
    });

    it('lists consents by subject or client, page by page, and revokes them by owner', async () => {
      if (store().admin === undefined) return;
      const subject = uniqueId('user');
      const clients = [uniqueId('client'), uniqueId('client'), uniqueId('client')];
      for (const clientId of clients) await ok(store().consents.grant({ subject, clientId, scope: ['openid'], grantedAt: t0 }));
      const other = uniqueId('user');
      await ok(store().consents.grant({ subject: other, clientId: clients[0] as string, scope: ['email'], grantedAt: t0 }));
      const mine = await all(2, (p) => ok(admin().listConsents({ ...p, subject })));
      // Order is the database's collation order; every consent appears once.
      expect(mine.map((c) => c.clientId).sort()).toEqual([...clients].sort());
      expect(mine[0]).toMatchObject({ subject, scope: ['openid'], grantedAt: t0 });
      const ofClient = await all(1, (p) => ok(admin().listConsents({ ...p, clientId: clients[0] as string })));
      expect(ofClient.map((c) => c.subject).sort()).toEqual([subject, other].sort());
      expect(await ok(admin().revokeConsents({ subject }))).toBe(3);
      expect(await all(5, (p) => ok(admin().listConsents({ ...p, subject })))).toEqual([]);
      expect(O.isSome(await ok(store().consents.find(other, clients[0] as string)))).toBe(true);
    });

    it('an unknown cursor never fails a list', async () => {
      if (store().admin === undefined) return;
      const page = await ok(admin().listClients({ limit: 1, cursor: 'not-a-cursor-of-mine' }));
      expect(Array.isArray(page.items)).toBe(true);
      await ok(admin().listConsents({ limit: 1, cursor: '{broken' }));
      await ok(admin().listTokens({ limit: 1, cursor: 'zz', now }));
    });
  });
};
