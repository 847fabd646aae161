/** Contract: local user accounts (`UserStore`) and single-use account tokens (`AccountTokenStore`), when provided. */
import { describe, expect, it } from 'vitest';
import * as O from 'fp-ts/lib/Option.js';
import type { AccountTokenRecord, UserAccount } from '@grantor/core/extend';
import { countTags, ok, race, t0, uniqueHash, uniqueId, type ContractContext } from './harness.js';

const account = (o: Partial<UserAccount> = {}): UserAccount => ({
  subject: uniqueId('sub'),
  username: uniqueId('user'),
  email: `${uniqueId('mail').toLowerCase()}@example.test`,
  emailVerified: false,
  passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g',
  claims: { name: 'Zoë Ünicode', given_name: 'Zoë' },
  disabled: false,
  origin: 'signup',
  createdAt: t0,
  ...o,
});

export const userStoreContract = ({ store, concurrency }: ContractContext): void => {
  describe('UserStore', () => {
    it('create, then find by subject, username and email: the same account back', async ({ skip }) => {
      const users = store().users;
      if (users === undefined) return skip('this store provides no UserStore');
      const a = account({ lastLoginAt: t0 + 5 });
      expect(await ok(users.create(a))).toEqual({ _tag: 'Created' });
      expect(await ok(users.findBySubject(a.subject))).toEqual(O.some(a));
      expect(await ok(users.findByUsername(a.username))).toEqual(O.some(a));
      expect(await ok(users.findByEmail(a.email ?? ''))).toEqual([a]);
      expect(await ok(users.findByUsername(uniqueId('nobody')))).toEqual(O.none);
      expect(await ok(users.findBySubject(uniqueId('nobody')))).toEqual(O.none);
      const { email: _e, ...bare } = account();
      expect(await ok(users.create(bare))).toEqual({ _tag: 'Created' });
      expect(await ok(users.findBySubject(bare.subject))).toEqual(O.some(bare));
    });

    it('create refuses a taken username or subject and changes nothing', async ({ skip }) => {
      const users = store().users;
      if (users === undefined) return skip('this store provides no UserStore');
      const a = account();
      await ok(users.create(a));
      expect(await ok(users.create(account({ username: a.username })))).toEqual({ _tag: 'Taken' });
      expect(await ok(users.create(account({ subject: a.subject })))).toEqual({ _tag: 'Taken' });
      expect(await ok(users.findByUsername(a.username))).toEqual(O.some(a));
    });

    it('concurrent creates of one username make exactly one account', async ({ skip }) => {
      const users = store().users;
      if (users === undefined) return skip('this store provides no UserStore');
      const username = uniqueId('race');
      const n = Math.min(concurrency, 20);
      const results = await race(n, () => ok(users.create(account({ username }))));
      expect(countTags(results)).toEqual({ Created: 1, Taken: n - 1 });
    });

    it('update changes only the given fields; unknown subjects report false', async ({ skip }) => {
      const users = store().users;
      if (users === undefined) return skip('this store provides no UserStore');
      const a = account();
      await ok(users.create(a));
      expect(await ok(users.update(a.subject, { emailVerified: true, passwordHash: 'new-hash', lastLoginAt: t0 + 60 }))).toBe(true);
      expect(await ok(users.findBySubject(a.subject))).toEqual(O.some({ ...a, emailVerified: true, passwordHash: 'new-hash', lastLoginAt: t0 + 60 }));
      expect(await ok(users.update(a.subject, { disabled: true, claims: { name: 'New' } }))).toBe(true);
      expect(await ok(users.update(a.subject, { disabled: true }))).toBe(true);
      const { email: _e, ...rest } = { ...a, emailVerified: true, passwordHash: 'new-hash', lastLoginAt: t0 + 60, disabled: true, claims: { name: 'New' } };
      expect(await ok(users.update(a.subject, { email: undefined }))).toBe(true);
      expect(await ok(users.findBySubject(a.subject))).toEqual(O.some(rest));
      expect(await ok(users.update(uniqueId('nobody'), { disabled: true }))).toBe(false);
    });

    it('list: by username, pages through a search with the cursor, every match exactly once', async ({ skip }) => {
      const users = store().users;
      if (users === undefined) return skip('this store provides no UserStore');
      const tag = uniqueId('ls').toLowerCase();
      const made = [3, 1, 4, 0, 2].map((i) => account({ username: `${tag}-${i}`, email: `other-${i}-${uniqueId('m').toLowerCase()}@example.test` }));
      const byMail = account({ email: `${tag}@example.test` });
      for (const a of [...made, byMail, account()]) await ok(users.create(a));
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 10; i += 1) {
        const page = await ok(users.list({ limit: 2, search: tag, ...(cursor === undefined ? {} : { cursor }) }));
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((a) => a.username));
        if (page.next === undefined) break;
        cursor = page.next;
      }
      expect(seen.filter((u) => u.startsWith(tag))).toEqual([0, 1, 2, 3, 4].map((i) => `${tag}-${i}`));
      expect(new Set(seen)).toEqual(new Set([...made.map((a) => a.username), byMail.username]));
      expect(seen).toHaveLength(6);
      expect((await ok(users.list({ limit: 1, search: `${tag}-4` }))).items).toEqual([made[2]]);
    });

    it('remove deletes one account (its username is free again); unknown subjects report false', async ({ skip }) => {
      const users = store().users;
      if (users === undefined) return skip('this store provides no UserStore');
      const a = account();
      const b = account();
      await ok(users.create(a));
      await ok(users.create(b));
      expect(await ok(users.remove(a.subject))).toBe(true);
      expect(await ok(users.findBySubject(a.subject))).toEqual(O.none);
      expect(await ok(users.findByUsername(a.username))).toEqual(O.none);
      expect(await ok(users.findBySubject(b.subject))).toEqual(O.some(b));
      expect(await ok(users.remove(a.subject))).toBe(false);
      expect(await ok(users.create(account({ username: a.username })))).toEqual({ _tag: 'Created' });
    });

    it('the admin flag is kept and changed by update', async ({ skip }) => {
      const users = store().users;
      if (users === undefined) return skip('this store provides no UserStore');
      const a = account({ admin: true });
      await ok(users.create(a));
      expect(await ok(users.findBySubject(a.subject))).toEqual(O.some(a));
      expect(await ok(users.update(a.subject, { admin: false }))).toBe(true);
      const found = await ok(users.findBySubject(a.subject));
      expect(O.isSome(found) && found.value.admin === true).toBe(false);
    });

    it('save inserts or replaces by subject, and takes the username over from another subject', async ({ skip }) => {
      const users = store().users;
      if (users === undefined) return skip('this store provides no UserStore');
      const a = account({ origin: 'seed' });
      await ok(users.save(a));
      const changed = { ...a, claims: { name: 'Changed' }, emailVerified: true };
      await ok(users.save(changed));
      expect(await ok(users.findBySubject(a.subject))).toEqual(O.some(changed));
      const b = account({ username: a.username });
      await ok(users.save(b));
      expect(await ok(users.findByUsername(a.username))).toEqual(O.some(b));
      expect(await ok(users.findBySubject(a.subject))).toEqual(O.none);
    });
  });
};

const token = (o: Partial<AccountTokenRecord> = {}): AccountTokenRecord => ({
  tokenHash: uniqueHash(),
  purpose: 'reset-password',
  subject: uniqueId('sub'),
  email: 'someone@example.test',
  issuedAt: t0,
  expiresAt: t0 + 3600,
  ...o,
});

export const accountTokenContract = ({ store, concurrency }: ContractContext): void => {
  describe('AccountTokenStore', () => {
    it('consume returns the record once (as it was), then AlreadyConsumed; unknown hashes are NotFound', async ({ skip }) => {
      const tokens = store().accountTokens;
      if (tokens === undefined) return skip('this store provides no AccountTokenStore');
      const t = token({ purpose: 'verify-email' });
      await ok(tokens.save(t));
      expect(await ok(tokens.consume(t.tokenHash, t0 + 10))).toEqual({ _tag: 'Consumed', record: t });
      expect(await ok(tokens.consume(t.tokenHash, t0 + 11))).toEqual({ _tag: 'AlreadyConsumed', record: { ...t, consumedAt: t0 + 10 } });
      expect(await ok(tokens.consume(uniqueHash(), t0))).toEqual({ _tag: 'NotFound' });
    });

    it('concurrent consumes of one token: exactly one wins', async ({ skip }) => {
      const tokens = store().accountTokens;
      if (tokens === undefined) return skip('this store provides no AccountTokenStore');
      const t = token();
      await ok(tokens.save(t));
      const n = Math.min(concurrency, 20);
      const results = await race(n, () => ok(tokens.consume(t.tokenHash, t0 + 1)));
      expect(countTags(results)).toEqual({ Consumed: 1, AlreadyConsumed: n - 1 });
    });

    it('the sweeper removes expired tokens', async ({ skip }) => {
      const { accountTokens: tokens, sweeper } = store();
      if (tokens === undefined) return skip('this store provides no AccountTokenStore');
      const t = token({ expiresAt: t0 + 1 });
      await ok(tokens.save(t));
      await ok(sweeper.sweep(t0 + 2));
      expect(await ok(tokens.consume(t.tokenHash, t0 + 3))).toEqual({ _tag: 'NotFound' });
    });
  });
};
