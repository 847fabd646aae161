import { readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conformanceSeed } from '@grantor/testkit';
import { memoryModel } from './test/memory-model.js';
import { basic, s256, seedClients, seedUsers } from './test/fixture.js';

/**
 * An Express app written against @node-oauth/oauth2-server 5 (`test/legacy-app/app.mjs`) serves one scenario as it
 * is, and again after changing ONLY its import line to this package. Both runs must answer the same: same statuses,
 * same error codes, same token-response members, same redirects (modulo random values and Grantor's added `iss`).
 */
const appDir = new URL('./test/legacy-app/', import.meta.url);
const original = new URL('app.mjs', appDir);
const switched = new URL('app.grantor.generated.mjs', appDir);

const seed = conformanceSeed;
const confidential = basic(seed.confidential.clientId, seed.confidential.secret);
const passwordClient = basic(seed.grants.passwordClient.clientId, seed.grants.passwordClient.secret);

interface Outcome {
  readonly step: string;
  readonly status: number;
  readonly view: unknown;
}

/** What must be equal between the two runs: members present, error codes, scope, redirect target and parameters. */
const viewOf = async (res: globalThis.Response): Promise<{ readonly view: unknown; readonly body: Record<string, unknown>; readonly location: URL | undefined }> => {
  const location = res.headers.get('location');
  if (location !== null) {
    const url = new URL(location);
    const params = Object.fromEntries([...url.searchParams].filter(([k]) => k !== 'iss').map(([k, v]) => [k, k === 'code' ? typeof v : k === 'error_description' ? 'text' : v]));
    return { view: { redirect: `${url.origin}${url.pathname}`, params }, body: {}, location: url };
  }
  const text = await res.text();
  const body = (text === '' ? {} : JSON.parse(text)) as Record<string, unknown>;
  const view = Object.fromEntries(
    Object.entries(body).map(([k, v]) => [k, k === 'error' || k === 'scope' || k === 'token_type' || k === 'user' || k === 'client' ? v : k === 'expires_in' ? Number(v) > 3500 : typeof v]),
  );
  return { view, body, location: undefined };
};

const scenario = async (baseUrl: string): Promise<readonly Outcome[]> => {
  const outcomes: Outcome[] = [];
  const call = async (step: string, path: string, init: RequestInit = {}) => {
    const res = await fetch(`${baseUrl}${path}`, { redirect: 'manual', ...init });
    const seen = await viewOf(res);
    outcomes.push({ step, status: res.status, view: seen.view });
    return seen;
  };
  const form = (params: Record<string, string>, authorization?: string): RequestInit => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(authorization === undefined ? {} : { authorization }) },
    body: new URLSearchParams(params).toString(),
  });

  const cc = await call('client_credentials', '/oauth/token', form({ grant_type: 'client_credentials', scope: 'read' }, confidential));
  const ccToken = String(cc.body['access_token']);
  await call('bearer header', '/api/me', { headers: { authorization: `Bearer ${ccToken}` } });
  await call('bearer query', `/api/me?access_token=${encodeURIComponent(ccToken)}`);
  await call('bearer unknown', '/api/me', { headers: { authorization: 'Bearer no-such-token' } });
  await call('bearer missing', '/api/me');
  await call('wrong secret', '/oauth/token', form({ grant_type: 'client_credentials' }, basic(seed.confidential.clientId, 'wrong')));

  const verifier = 'x'.repeat(50);
  const authorizeQuery = (extra: Record<string, string> = {}) =>
    new URLSearchParams({
      response_type: 'code',
      client_id: seed.confidential.clientId,
      redirect_uri: seed.confidential.redirectUri,
      scope: 'read',
      state: 'xyz',
      code_challenge: s256(verifier),
      code_challenge_method: 'S256',
      ...extra,
    }).toString();
  const authorized = await call('authorize', `/oauth/authorize?${authorizeQuery()}`, { headers: { 'x-user': 'bob' } });
  const code = authorized.location?.searchParams.get('code') ?? '';
  const exchange = () => form({ grant_type: 'authorization_code', code, redirect_uri: seed.confidential.redirectUri, code_verifier: verifier }, confidential);
  const tokens = await call('code exchange', '/oauth/token', exchange());
  await call('code replay', '/oauth/token', exchange());
  await call('bearer of the user', '/api/me', { headers: { authorization: `Bearer ${String(tokens.body['access_token'])}` } });
  const refresh = String(tokens.body['refresh_token']);
  await call('refresh', '/oauth/token', form({ grant_type: 'refresh_token', refresh_token: refresh }, confidential));
  await call('refresh replay', '/oauth/token', form({ grant_type: 'refresh_token', refresh_token: refresh }, confidential));
  await call('authorize denied', `/oauth/authorize?${authorizeQuery({ allowed: 'false' })}`, { headers: { 'x-user': 'bob' } });
  await call('authorize without state', `/oauth/authorize?${authorizeQuery({ state: '' })}`, { headers: { 'x-user': 'bob' } });
  await call('authorize bad scope', `/oauth/authorize?${authorizeQuery({ scope: 'admin' })}`, { headers: { 'x-user': 'bob' } });
  await call('password', '/oauth/token', form({ grant_type: 'password', username: 'Bob', password: seed.grants.user.password, scope: 'read' }, passwordClient));
  await call('password wrong', '/oauth/token', form({ grant_type: 'password', username: 'Bob', password: 'nope', scope: 'read' }, passwordClient));
  return outcomes;
};

const listen = async (app: (req: never, res: never) => void): Promise<{ readonly server: Server; readonly url: string }> => {
  const server = createServer(app as never);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
};

describe('an Express app written against @node-oauth/oauth2-server 5', () => {
  const servers: Server[] = [];
  beforeAll(async () => {
    const text = await readFile(original, 'utf8');
    const changed = text.replace("from '@node-oauth/oauth2-server';", "from '@grantor/oauth2-server-model';");
    expect(changed).not.toBe(text);
    // exactly one line differs
    expect(changed.split('\n').filter((line, i) => line !== text.split('\n')[i])).toHaveLength(1);
    await writeFile(switched, changed);
  });
  afterAll(async () => {
    for (const s of servers) s.close();
    await rm(switched, { force: true });
  });

  it('serves the same requests after changing only its import line', async () => {
    const runs: (readonly Outcome[])[] = [];
    for (const file of [original, switched]) {
      const { createApp } = (await import(file.href)) as { createApp: (model: unknown) => (req: never, res: never) => void };
      const { server, url } = await listen(createApp(memoryModel(seedClients(), seedUsers()).model));
      servers.push(server);
      runs.push(await scenario(url));
    }
    const [library, grantor] = runs;
    if (process.env["DUMP"]) console.log(JSON.stringify(runs, null, 1));
    expect(library?.map((o) => o.step)).toEqual(grantor?.map((o) => o.step));
    for (const [i, expected] of (library ?? []).entries()) expect({ ...grantor?.[i] }, expected.step).toEqual({ ...expected });
  });
});
