/**
 * In-process cost of Grantor's core for one token request (no HTTP, no adapter): calls `server.handle` N times
 * sequentially with the same HttpRequest the HTTP scenarios send, over store-memory, and reports µs per call.
 * Separates the core's own cost from the framework's. Usage: node dist/core-only.js [N] [only-this-scenario]
 */
import { performance } from 'node:perf_hooks';
import type { HttpRequest } from '@grantor/core';
import { CLIENT_ID, CLIENT_SECRET, CODE_VERIFIER, PROTECTED_PATH, REDIRECT_URI, SCOPE, TOKEN_PATH, basicAuth } from './protocol.js';
import { setupGrantor } from './targets/grantor-setup.js';

const n = Number(process.argv[2] ?? 50_000);
const only = process.argv[3];
const enc = new TextEncoder();
const form = (body: string): HttpRequest => ({
  method: 'POST',
  path: TOKEN_PATH,
  query: '',
  headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(CLIENT_ID, CLIENT_SECRET), host: '127.0.0.1' },
  body: enc.encode(body),
});

const time = async (label: string, make: (i: number) => HttpRequest, call: (r: HttpRequest) => Promise<unknown>): Promise<void> => {
  if (only !== undefined && only !== label) return;
  for (let i = 0; i < 2000; i++) await call(make(i));
  const t0 = performance.now();
  for (let i = 2000; i < n + 2000; i++) await call(make(i));
  const us = ((performance.now() - t0) * 1000) / n;
  console.log(`${label.padEnd(22)} ${us.toFixed(1).padStart(7)} µs per call (${(1e6 / us).toFixed(0)} calls/s on one core)`);
};

const main = async (): Promise<void> => {
  const check = (r: unknown): void => {
    if ((r as { status?: number }).status !== 200) throw new Error(`unexpected response ${JSON.stringify(r)}`);
  };
  const cc = await setupGrantor('memory', 'none', 0);
  const ccReq = form(`grant_type=client_credentials&scope=${SCOPE}`);
  await time('client_credentials', () => ccReq, async (r) => check(await cc.server.handle(r)));

  const want = (label: string): boolean => only === undefined || only === label;
  if (want('authorization_code')) {
    const codes = await setupGrantor('memory', 'codes', n + 2000);
    const cp = codes.extra.codes!.prefix;
    const redirect = encodeURIComponent(REDIRECT_URI);
    await time('authorization_code', (i) => form(`grant_type=authorization_code&code=${encodeURIComponent(cp + i)}&redirect_uri=${redirect}&code_verifier=${CODE_VERIFIER}`), async (r) => check(await codes.server.handle(r)));
  }
  if (want('refresh_token')) {
    const refresh = await setupGrantor('memory', 'refresh', n + 2000);
    const rp = refresh.extra.refreshTokens!.prefix;
    await time('refresh_token', (i) => form(`grant_type=refresh_token&refresh_token=${encodeURIComponent(rp + i)}`), async (r) => check(await refresh.server.handle(r)));
  }

  const issued = (await cc.server.handle(ccReq)) as { body?: { access_token?: string } };
  const bearerReq: HttpRequest = { method: 'GET', path: PROTECTED_PATH, query: '', headers: { authorization: `Bearer ${issued.body?.access_token ?? ''}` }, body: undefined };
  await time('bearer', () => bearerReq, async (r) => {
    const b = await cc.server.bearer(r);
    if (b._tag !== 'Authorized') throw new Error('bearer rejected');
  });
};

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
