import * as O from 'fp-ts/lib/Option.js';
import type { LoginSessionRecord, LoginSessionStore } from '@grantor/core/extend';
import { atomically } from './compact.js';

const newestFirst = (a: LoginSessionRecord, b: LoginSessionRecord): number => b.createdAt - a.createdAt || (a.idHash < b.idHash ? 1 : a.idHash > b.idHash ? -1 : 0);

/**
 * Signed-in browser sessions in memory, by id hash with a per-subject index (for the bound, the account page's list
 * and sign-out everywhere). Each call is one synchronous step.
 */
export const memoryLoginSessionStore = (): LoginSessionStore & { readonly sweep: (now: number) => number; readonly size: () => number } => {
  const byHash = new Map<string, LoginSessionRecord>();
  const bySubject = new Map<string, Set<string>>();
  const drop = (idHash: string): boolean => {
    const record = byHash.get(idHash);
    if (record === undefined) return false;
    byHash.delete(idHash);
    const set = bySubject.get(record.subject);
    set?.delete(idHash);
    if (set?.size === 0) bySubject.delete(record.subject);
    return true;
  };
  const of = (subject: string): LoginSessionRecord[] =>
    [...(bySubject.get(subject) ?? [])].flatMap((h) => {
      const r = byHash.get(h);
      return r === undefined ? [] : [r];
    });
  return {
    create: (record, maxPerSubject) =>
      atomically(() => {
        drop(record.idHash);
        byHash.set(record.idHash, record);
        const set = bySubject.get(record.subject) ?? new Set<string>();
        set.add(record.idHash);
        bySubject.set(record.subject, set);
        for (const old of of(record.subject).sort(newestFirst).slice(Math.max(0, maxPerSubject))) drop(old.idHash);
      }),
    find: (idHash) => atomically(() => O.fromNullable(byHash.get(idHash))),
    touch: (idHash, lastSeenAt, expiresAt) =>
      atomically(() => {
        const record = byHash.get(idHash);
        if (record !== undefined) byHash.set(idHash, { ...record, lastSeenAt, expiresAt });
      }),
    listBySubject: (subject) => atomically(() => of(subject).sort(newestFirst)),
    remove: (idHash) => atomically(() => drop(idHash)),
    removeBySubject: (subject, keep) =>
      atomically(() => {
        let n = 0;
        for (const r of of(subject)) if (r.idHash !== keep && drop(r.idHash)) n += 1;
        return n;
      }),
    sweep: (now) => {
      let removed = 0;
      for (const [h, r] of byHash) if (r.expiresAt <= now && drop(h)) removed += 1;
      return removed;
    },
    size: () => byHash.size,
  };
};
