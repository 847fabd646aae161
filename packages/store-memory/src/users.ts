import * as O from 'fp-ts/lib/Option.js';
import type { AccountTokenRecord, AccountTokenStore, ConsumeOutcome, UserAccount, UserStore } from '@grantor/core/extend';
import { atomically } from './compact.js';

/**
 * Local user accounts in memory, by subject with a unique username index. Each call is one synchronous step, so
 * `create` decides a contested username atomically.
 */
export const memoryUserStore = (): UserStore & { readonly size: () => number } => {
  const bySubject = new Map<string, UserAccount>();
  const byUsername = new Map<string, string>();
  const put = (account: UserAccount): void => {
    const old = bySubject.get(account.subject);
    if (old !== undefined && old.username !== account.username) byUsername.delete(old.username);
    bySubject.set(account.subject, account);
    byUsername.set(account.username, account.subject);
  };
  return {
    findBySubject: (subject) => atomically(() => O.fromNullable(bySubject.get(subject))),
    findByUsername: (username) =>
      atomically(() => {
        const subject = byUsername.get(username);
        return subject === undefined ? O.none : O.fromNullable(bySubject.get(subject));
      }),
    findByEmail: (email) => atomically(() => [...bySubject.values()].filter((a) => a.email === email)),
    create: (account) =>
      atomically(() => {
        if (byUsername.has(account.username) || bySubject.has(account.subject)) return { _tag: 'Taken' as const };
        put(account);
        return { _tag: 'Created' as const };
      }),
    save: (account) =>
      atomically(() => {
        const holder = byUsername.get(account.username);
        if (holder !== undefined && holder !== account.subject) bySubject.delete(holder);
        put(account);
      }),
    update: (subject, change) =>
      atomically(() => {
        const old = bySubject.get(subject);
        if (old === undefined) return false;
        const { email: _old, ...kept } = old;
        const { email: _new, ...rest } = change;
        const email = 'email' in change ? change.email : old.email;
        bySubject.set(subject, { ...kept, ...rest, ...(email === undefined ? {} : { email }) });
        return true;
      }),
    list: (query) =>
      atomically(() => {
        const search = query.search;
        const matching = [...bySubject.values()]
          .filter((a) => (query.cursor === undefined || a.username > query.cursor) && (search === undefined || a.username.includes(search) || (a.email ?? '').includes(search)))
          .sort((a, b) => (a.username < b.username ? -1 : a.username > b.username ? 1 : 0));
        const items = matching.slice(0, query.limit);
        const last = items[items.length - 1];
        return { items, ...(matching.length > query.limit && last !== undefined ? { next: last.username } : {}) };
      }),
    remove: (subject) =>
      atomically(() => {
        const old = bySubject.get(subject);
        if (old === undefined) return false;
        bySubject.delete(subject);
        byUsername.delete(old.username);
        return true;
      }),
    size: () => bySubject.size,
  };
};

/** Single-use account tokens (email verification, password reset) by hash; `consume` is a compare-and-set. */
export const memoryAccountTokenStore = (): AccountTokenStore & { readonly sweep: (now: number) => number } => {
  const tokens = new Map<string, AccountTokenRecord>();
  return {
    save: (record) =>
      atomically(() => {
        tokens.set(record.tokenHash, record);
      }),
    consume: (tokenHash, now) =>
      atomically((): ConsumeOutcome<AccountTokenRecord> => {
        const record = tokens.get(tokenHash);
        if (record === undefined) return { _tag: 'NotFound' };
        if (record.consumedAt !== undefined) return { _tag: 'AlreadyConsumed', record };
        tokens.set(tokenHash, { ...record, consumedAt: now });
        return { _tag: 'Consumed', record };
      }),
    sweep: (now) => {
      let removed = 0;
      for (const [hash, record] of tokens) {
        if (record.expiresAt <= now) {
          tokens.delete(hash);
          removed += 1;
        }
      }
      return removed;
    },
  };
};
