/** Contract: signed-in browser sessions (`LoginSessionStore`), when provided. */
import { describe, expect, it } from 'vitest';
import * as O from 'fp-ts/lib/Option.js';
import type { LoginSessionRecord } from '@grantor/core/extend';
import { ok, t0, uniqueHash, uniqueId, type ContractContext } from './harness.js';

const session = (o: Partial<LoginSessionRecord> = {}): LoginSessionRecord => ({
  idHash: uniqueHash(),
  subject: uniqueId('sub'),
  authTime: t0,
  amr: ['pwd'],
  createdAt: t0,
  lastSeenAt: t0,
  expiresAt: t0 + 3600,
  ...o,
});

const hashes = (rs: readonly LoginSessionRecord[]): readonly string[] => rs.map((r) => r.idHash);

export const loginSessionContract = ({ store }: ContractContext): void => {
  describe('LoginSessionStore', () => {
    it('create, then find by id hash: the same session back (optional fields too); unknown hashes are None', async ({ skip }) => {
      const sessions = store().loginSessions;
      if (sessions === undefined) return skip('this store provides no LoginSessionStore');
      const full = session({ amr: ['pwd', 'otp'], interactionId: uniqueId('interaction'), userAgent: 'Mozilla/5.0 (X11; Linux) Zoë' });
      const bare = session({ amr: [] });
      await ok(sessions.create(full, 10));
      await ok(sessions.create(bare, 10));
      expect(await ok(sessions.find(full.idHash))).toEqual(O.some(full));
      expect(await ok(sessions.find(bare.idHash))).toEqual(O.some(bare));
      expect(await ok(sessions.find(uniqueHash()))).toEqual(O.none);
    });

    it("keeps at most maxPerSubject sessions per subject: the oldest go first, other subjects' stay", async ({ skip }) => {
      const sessions = store().loginSessions;
      if (sessions === undefined) return skip('this store provides no LoginSessionStore');
      const subject = uniqueId('sub');
      const other = session();
      await ok(sessions.create(other, 1));
      const made = [0, 1, 2, 3, 4].map((i) => session({ subject, createdAt: t0 + i }));
      for (const s of made) await ok(sessions.create(s, 3));
      expect(hashes(await ok(sessions.listBySubject(subject)))).toEqual(hashes([...made].reverse().slice(0, 3)));
      expect(await ok(sessions.find(made[0]?.idHash ?? ''))).toEqual(O.none);
      expect(O.isSome(await ok(sessions.find(other.idHash)))).toBe(true);
    });

    it('touch moves last-seen and the idle expiry; an unknown session is left alone', async ({ skip }) => {
      const sessions = store().loginSessions;
      if (sessions === undefined) return skip('this store provides no LoginSessionStore');
      const s = session();
      await ok(sessions.create(s, 5));
      await ok(sessions.touch(s.idHash, t0 + 100, t0 + 3700));
      expect(await ok(sessions.find(s.idHash))).toEqual(O.some({ ...s, lastSeenAt: t0 + 100, expiresAt: t0 + 3700 }));
      const unknown = uniqueHash();
      await ok(sessions.touch(unknown, t0 + 100, t0 + 3700));
      expect(await ok(sessions.find(unknown))).toEqual(O.none);
    });

    it('remove ends one session; removeBySubject ends all of a subject but the one kept', async ({ skip }) => {
      const sessions = store().loginSessions;
      if (sessions === undefined) return skip('this store provides no LoginSessionStore');
      const subject = uniqueId('sub');
      const [a, b, c, d] = [0, 1, 2, 3].map((i) => session({ subject, createdAt: t0 + i })) as [LoginSessionRecord, LoginSessionRecord, LoginSessionRecord, LoginSessionRecord];
      const stranger = session();
      for (const s of [a, b, c, d, stranger]) await ok(sessions.create(s, 10));
      expect(await ok(sessions.remove(a.idHash))).toBe(true);
      expect(await ok(sessions.remove(a.idHash))).toBe(false);
      expect(await ok(sessions.removeBySubject(subject, c.idHash))).toBe(2);
      expect(hashes(await ok(sessions.listBySubject(subject)))).toEqual([c.idHash]);
      expect(await ok(sessions.removeBySubject(subject))).toBe(1);
      expect(await ok(sessions.listBySubject(subject))).toEqual([]);
      expect(O.isSome(await ok(sessions.find(stranger.idHash)))).toBe(true);
    });

    it('the sweeper removes expired sessions and keeps live ones', async ({ skip }) => {
      const { loginSessions: sessions, sweeper } = store();
      if (sessions === undefined) return skip('this store provides no LoginSessionStore');
      const expired = session({ expiresAt: t0 + 1 });
      const live = session({ expiresAt: t0 + 1000 });
      await ok(sessions.create(expired, 5));
      await ok(sessions.create(live, 5));
      await ok(sweeper.sweep(t0 + 2));
      expect(await ok(sessions.find(expired.idHash))).toEqual(O.none);
      expect(O.isSome(await ok(sessions.find(live.idHash)))).toBe(true);
    });
  });
};
