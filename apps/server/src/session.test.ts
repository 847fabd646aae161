import { describe, expect, it } from 'vitest';
import { httpRequest } from '@grantor/core';
import { createMemoryStore } from '@grantor/store-memory';
import { createSessionStore, sessionCookieName } from './session.js';

const withCookie = (setCookie: string | undefined) =>
  httpRequest({ method: 'GET', path: '/', headers: { cookie: `other=1; ${(setCookie ?? '').split(';')[0] ?? ''}` } });
const bare = () => httpRequest({ method: 'GET', path: '/' });
const sessions = (o: { secure?: boolean; now?: () => number; maxPerUser?: number } = {}) => {
  const memory = createMemoryStore();
  return { memory, store: createSessionStore({ secure: o.secure ?? false, store: memory.loginSessions, ...o }) };
};

describe('sessions', () => {
  it('sets an HttpOnly, SameSite=Lax, Path=/ cookie (Secure only for https) and finds the session again', async () => {
    const { store } = sessions();
    const { session, setCookie } = await store.ensure(bare());
    expect(setCookie).toMatch(new RegExp(`^${sessionCookieName}=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Lax`));
    expect(setCookie).not.toMatch(/Secure/);
    expect((await store.get(withCookie(setCookie)))?.id).toBe(session.id);
    expect((await sessions({ secure: true }).store.ensure(bare())).setCookie).toMatch(/; Secure/);
  });

  it('ends the session named by the cookie (logout) and offers a cookie that clears it', async () => {
    const { store } = sessions();
    const { session, setCookie } = await store.ensure(bare());
    const signed = await store.signIn(session, 'sub-1', 1000);
    expect(await store.end(withCookie(signed.setCookie))).toBe(true);
    expect(await store.get(withCookie(signed.setCookie))).toBeUndefined();
    expect(await store.end(withCookie(signed.setCookie))).toBe(false);
    expect(await store.end(withCookie(setCookie))).toBe(false);
    expect(await store.end(bare())).toBe(false);
    expect(store.clearCookie).toMatch(new RegExp(`^${sessionCookieName}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0$`));
  });

  it('changes the session id at sign-in (no fixation), keeps only its hash in the store, and checks the CSRF token exactly', async () => {
    const { store, memory } = sessions();
    const { session, setCookie } = await store.ensure(bare());
    expect(store.checkCsrf(session, session.csrf)).toBe(true);
    expect(store.checkCsrf(session, `${session.csrf}x`)).toBe(false);
    expect(store.checkCsrf(session, undefined)).toBe(false);
    const signed = await store.signIn(session, 'sub-1', 1000, { interactionId: 'interaction-1', amr: ['pwd', 'otp'], userAgent: 'Test/1.0' });
    expect(signed.session.id).not.toBe(session.id);
    expect(signed.session.csrf).not.toBe(session.csrf);
    expect(await store.get(withCookie(setCookie))).toBeUndefined();
    expect(await store.get(withCookie(signed.setCookie))).toMatchObject({ subject: 'sub-1', authTime: 1000, interactionId: 'interaction-1', amr: ['pwd', 'otp'] });
    const listed = await memory.loginSessions.listBySubject('sub-1')();
    expect(listed._tag === 'Right' && listed.right.map((r) => [r.idHash === signed.session.id, r.userAgent])).toEqual([[false, 'Test/1.0']]);
  });

  it('a second process on the same store sees the login (a restart keeps it); a cookie it never issued is no session', async () => {
    const memory = createMemoryStore();
    const a = createSessionStore({ secure: false, store: memory.loginSessions });
    const b = createSessionStore({ secure: false, store: memory.loginSessions });
    const signed = await a.signIn((await a.ensure(bare())).session, 'sub-1', 1000);
    const seen = await b.get(withCookie(signed.setCookie));
    expect(seen).toMatchObject({ subject: 'sub-1', csrf: signed.session.csrf });
    expect(await b.get(withCookie(`${sessionCookieName}=${'A'.repeat(43)}`))).toBeUndefined();
    expect(await b.end(withCookie(signed.setCookie))).toBe(true);
    expect(await a.get(withCookie(signed.setCookie))).toBeUndefined();
  });

  it('a flood of cookie-less visitors never signs anyone out: anonymous sessions are bounded apart from signed-in ones', async () => {
    const { store } = sessions();
    const signed = await store.signIn((await store.ensure(bare())).session, 'sub-1', 1000);
    for (let i = 0; i < 20_001; i++) await store.ensure(httpRequest({ method: 'GET', path: '/device' }));
    expect((await store.get(withCookie(signed.setCookie)))?.subject).toBe('sub-1');
    expect(store.anonymousSize()).toBeLessThanOrEqual(10_000);
  });

  it('keeps at most maxPerUser sessions per person: a new sign-in ends the oldest', async () => {
    let t = 1_000_000_000;
    const { store } = sessions({ now: () => t, maxPerUser: 2 });
    const cookies: string[] = [];
    for (let i = 0; i < 3; i++) {
      t += 1000;
      cookies.push((await store.signIn((await store.ensure(bare())).session, 'sub-1', t / 1000)).setCookie);
    }
    expect(await store.get(withCookie(cookies[0]))).toBeUndefined();
    expect((await store.get(withCookie(cookies[1])))?.subject).toBe('sub-1');
    expect((await store.get(withCookie(cookies[2])))?.subject).toBe('sub-1');
    expect((await store.list('sub-1')).length).toBe(2);
  });

  it('signs out one session or every other one, never another person’s', async () => {
    const { store } = sessions();
    const sign = async (sub: string) => store.signIn((await store.ensure(bare())).session, sub, 1000);
    const [one, two, three, theirs] = [await sign('sub-1'), await sign('sub-1'), await sign('sub-1'), await sign('sub-2')];
    expect(await store.endOne('sub-1', theirs.session.handle)).toBe(false);
    expect((await store.get(withCookie(theirs.setCookie)))?.subject).toBe('sub-2');
    expect(await store.endOne('sub-1', one.session.handle)).toBe(true);
    expect(await store.endAll('sub-1', three.session.handle)).toBe(1);
    expect(await store.get(withCookie(two.setCookie))).toBeUndefined();
    expect((await store.get(withCookie(three.setCookie)))?.subject).toBe('sub-1');
    expect(await store.endAll('sub-1')).toBe(1);
    expect(await store.get(withCookie(three.setCookie))).toBeUndefined();
  });

  it('forgets idle sessions after eight hours; activity keeps a session alive', async () => {
    let t = 1_000_000_000;
    const { store } = sessions({ now: () => t });
    const anonymous = (await store.ensure(bare())).setCookie;
    const idle = await store.signIn((await store.ensure(bare())).session, 'sub-1', 1000);
    const active = await store.signIn((await store.ensure(bare())).session, 'sub-1', 1000);
    for (let i = 0; i < 3; i++) {
      t += 4 * 3600 * 1000;
      expect((await store.get(withCookie(active.setCookie)))?.subject).toBe('sub-1');
    }
    expect(await store.get(withCookie(anonymous))).toBeUndefined();
    expect(await store.get(withCookie(idle.setCookie))).toBeUndefined();
  });
});
