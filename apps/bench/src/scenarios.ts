import type { AutocannonOptions, AutocannonRequest } from 'autocannon';
import { CLIENT_ID, CLIENT_SECRET, CODE_VERIFIER, PROTECTED_PATH, REDIRECT_URI, SCOPE, TOKEN_PATH, basicAuth, type ReadyMessage } from './protocol.js';

/**
 * What a run sends. Every token-endpoint scenario (and the POST floor) sends a urlencoded form with HTTP Basic client
 * authentication, so the floor parses the same kind of bytes the token endpoint does.
 */
export type Scenario = 'floor-post' | 'floor-get' | 'client_credentials' | 'authorization_code' | 'refresh_token' | 'bearer';

const FORM = 'application/x-www-form-urlencoded';
const auth = basicAuth(CLIENT_ID, CLIENT_SECRET);
const ccBody = `grant_type=client_credentials&scope=${SCOPE}`;

const post = (body: string): AutocannonRequest => ({
  method: 'POST',
  path: TOKEN_PATH,
  headers: { 'content-type': FORM, authorization: auth },
  body,
});

/**
 * A request generator handing out `${prefix}${i}` in order (one shared counter across all connections, so every
 * request carries a credential no other request used). Past the pre-issued count it wraps around: those requests
 * fail (4xx) and show up in the non-2xx column instead of silently measuring an error path.
 */
const sequence = (prefix: string, count: number, body: (value: string) => string): AutocannonRequest => {
  let i = 0;
  return {
    setupRequest: (req) => {
      const value = `${prefix}${i % count}`;
      i++;
      return { ...req, ...post(body(value)) };
    },
  };
};

/** Obtains one access token from a running target (client_credentials) for the bearer scenario. */
const fetchAccessToken = async (port: number): Promise<string> => {
  const res = await fetch(`http://127.0.0.1:${port}${TOKEN_PATH}`, { method: 'POST', headers: { 'content-type': FORM, authorization: auth }, body: ccBody });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`client_credentials for the bearer scenario: ${res.status} ${text}`);
  const token = (JSON.parse(text) as { access_token?: unknown }).access_token;
  if (typeof token !== 'string') throw new Error(`no access_token in ${text}`);
  return token;
};

/** Sends one request of the scenario and checks it answers 200 (catches a broken target before measuring). */
export const smokeTest = async (port: number, req: AutocannonRequest): Promise<void> => {
  const built = req.setupRequest === undefined ? req : req.setupRequest({}, {});
  const init: RequestInit = { method: built.method ?? 'GET', headers: built.headers ?? {} };
  if (built.body !== undefined) init.body = built.body;
  const res = await fetch(`http://127.0.0.1:${port}${built.path ?? '/'}`, init);
  const text = await res.text();
  if (res.status !== 200) throw new Error(`smoke test ${built.method} ${built.path}: ${res.status} ${text.slice(0, 300)}`);
};

/** The autocannon request (generator) for a scenario against a ready target. */
export const requestFor = async (scenario: Scenario, ready: ReadyMessage): Promise<AutocannonRequest> => {
  switch (scenario) {
    case 'floor-post':
    case 'client_credentials':
      return post(ccBody);
    case 'floor-get':
      return { method: 'GET', path: PROTECTED_PATH, headers: { authorization: 'Bearer floor-does-not-check-this-value-0123456789' } };
    case 'bearer': {
      const token = await fetchAccessToken(ready.port);
      return { method: 'GET', path: PROTECTED_PATH, headers: { authorization: `Bearer ${token}` } };
    }
    case 'authorization_code': {
      if (ready.codes === undefined) throw new Error('target pre-issued no codes');
      const redirect = encodeURIComponent(REDIRECT_URI);
      return sequence(ready.codes.prefix, ready.codes.count, (code) =>
        `grant_type=authorization_code&code=${encodeURIComponent(code)}&redirect_uri=${redirect}&code_verifier=${CODE_VERIFIER}`);
    }
    case 'refresh_token': {
      if (ready.refreshTokens === undefined) throw new Error('target pre-issued no refresh tokens');
      return sequence(ready.refreshTokens.prefix, ready.refreshTokens.count, (rt) => `grant_type=refresh_token&refresh_token=${encodeURIComponent(rt)}`);
    }
  }
};

export const loadOptions = (port: number, req: AutocannonRequest, connections: number, duration: number): AutocannonOptions => ({
  url: `http://127.0.0.1:${port}`,
  connections,
  pipelining: 1,
  duration,
  timeout: 10,
  requests: [req],
});
