import { describe, expect, it } from 'vitest';
import { httpRequest } from '@grantor/core';
import { createSessionStore, sessionCookieName } from './session.js';

const withCookie = (setCookie: string | undefined) =>
  httpRequest({ method: 'GET', path: '/', headers: { cookie: `other=1; ${(setCookie ?? '').split(';')[0] ?? ''}` } });

describe('sessions', () => {
  it('sets an HttpOnly, SameSite=Lax, Path=/ cookie (Secure only for https) and finds the session again', () => {
    const store = createSessionStore({ secure: false });
    const { session, setCookie } = store.ensure(httpRequest({ method: 'GET', path: '/' }));
    expect(setCookie).toMatch(new RegExp(`^${sessionCookieName}=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Lax`));
    expect(setCookie).not.toMatch(/Secure/);
    expect(store.get(withCookie(setCookie))?.id).toBe(session.id);
    expect(createSessionStore({ secure: true }).ensure(httpRequest({ method: 'GET', path: '/' })).setCookie).toMatch(/; Secure/);
  });

  it('ends the session named by the cookie (logout) and offers a cookie that clears it', () => {
    const store = createSessionStore({ secure: false });
    const { setCookie } = store.ensure(httpRequest({ method: 'GET', path: '/' }));
    expect(store.end(withCookie(setCookie))).toBe(true);
    expect(store.get(withCookie(setCookie))).toBeUndefined();
    expect(store.end(withCookie(setCookie))).toBe(false);
    expect(store.end(httpRequest({ method: 'GET', path: '/' }))).toBe(false);
    expect(store.clearCookie).toMatch(new RegExp(`^${sessionCookieName}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0$`));
  });

  it('changes the session id at sign-in (no fixation) and checks the CSRF token exactly', () => {
    const store = createSessionStore({ secure: false });
    const { session, setCookie } = store.ensure(httpRequest({ method: 'GET', path: '/' }));
    expect(store.checkCsrf(session, session.csrf)).toBe(true);
    expect(store.checkCsrf(session, `${session.csrf}x`)).toBe(false);
    expect(store.checkCsrf(session, undefined)).toBe(false);
    const signed = store.signIn(session, 'sub-1', 1000, 'interaction-1');
    expect(signed.session.id).not.toBe(session.id);
    expect(store.get(withCookie(setCookie))).toBeUndefined();
    expect(store.get(withCookie(signed.setCookie))).toMatchObject({ subject: 'sub-1', authTime: 1000 });
    expect(signed.session.freshLogins.has('interaction-1')).toBe(true);
  });

  it('a flood of cookie-less visitors never signs anyone out: anonymous sessions are bounded apart from signed-in ones', () => {
    const store = createSessionStore({ secure: false });
    const { session } = store.ensure(httpRequest({ method: 'GET', path: '/' }));
    const signed = store.signIn(session, 'sub-1', 1000);
    for (let i = 0; i < 50_001; i++) store.ensure(httpRequest({ method: 'GET', path: '/device' }));
    expect(store.get(withCookie(signed.setCookie))?.subject).toBe('sub-1');
    expect(store.size()).toBeLessThanOrEqual(10_001);
  });

  it('forgets idle sessions after eight hours', () => {
    let t = 0;
    const store = createSessionStore({ secure: false, now: () => t });
    const { setCookie } = store.ensure(httpRequest({ method: 'GET', path: '/' }));
    t = 8 * 3600 * 1000 + 1;
    expect(store.get(withCookie(setCookie))).toBeUndefined();
  });
});
