/**
 * Client ID metadata documents through `createAuthorizationServer`: the lookup consults the port for URL client ids
 * the store does not know, the core validates, and the authorization code flow runs with the document's client.
 */
import * as TE from 'fp-ts/lib/TaskEither.js';
import { describe, expect, it } from 'vitest';
import { storeError } from '../errors/store-error.js';
import { httpRequest } from '../http/http-request.js';
import type { HttpResponse } from '../http/http-response.js';
import type { ClientMetadataDocumentFetcher } from '../ports/client-metadata-documents.js';
import type { SecretHasher } from '../ports/runtime.js';
import { memoryAuthorizationCodes, memoryClients, memoryConsents, memoryDeviceCodes, memoryInteractions, testClock, testLogger, testRandom, webClient } from '../test/fake-ports.js';
import { formEncode, splitUrl, utf8 } from '../test/http-helpers.js';
import { memoryAccessTokens, memoryRefreshTokens, memoryReplay } from '../test/token-fakes.js';
import { createAuthorizationServer } from './create-authorization-server.js';

const toyHash = (value: string): string => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let h = 2166136261;
  let out = '';
  for (let i = 0; i < 43; i++) {
    for (const ch of `${i}:${value}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
    out += alphabet[h % 64];
  }
  return out;
};
const secrets: SecretHasher = { hash: toyHash, verify: (presented, expected) => toyHash(presented) === expected };
const issuer = 'https://as.example.test';
const appUrl = 'https://app.example.test/oauth/client.json';
const appDoc = { client_id: appUrl, client_name: 'Example App', redirect_uris: ['https://app.example.test/cb'], grant_types: ['authorization_code', 'refresh_token'], token_endpoint_auth_method: 'none', scope: 'openid profile' };

const setup = (documents: Readonly<Record<string, unknown>>, options: { readonly withPort?: boolean; readonly transient?: boolean } = {}) => {
  const fetched: string[] = [];
  const port: ClientMetadataDocumentFetcher = (url) => {
    fetched.push(url);
    if (options.transient === true) return TE.left(storeError('timed out', { transient: true }));
    return url in documents ? TE.right(documents[url]) : TE.left(storeError(`${url} answered 404`));
  };
  const logger = testLogger();
  const clients = memoryClients([webClient({ clientId: 'https://seeded.example.test/client', secretHashes: [{ hash: toyHash('secret') }] })]);
  const server = createAuthorizationServer(
    { issuer, grantTypes: ['authorization_code', 'refresh_token'] },
    {
      clock: testClock(1_800_000_000),
      random: testRandom(),
      secrets,
      logger,
      clients,
      accessTokens: memoryAccessTokens(),
      refreshTokens: memoryRefreshTokens(),
      authorizationCodes: memoryAuthorizationCodes(),
      replay: memoryReplay(),
      interactions: memoryInteractions(),
      consents: memoryConsents(),
      deviceCodes: memoryDeviceCodes(),
      ...(options.withPort === false ? {} : { clientMetadataDocuments: port }),
    },
  );
  const authorize = (params: Record<string, string>) => server.handle(httpRequest({ method: 'GET', path: '/authorize', query: formEncode(params) }));
  const post = (path: string, form: Record<string, string>) =>
    server.handle(httpRequest({ method: 'POST', path, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: utf8(formEncode(form)) }));
  return { server, fetched, logger, clients, authorize, post };
};

const verifier = 'v'.repeat(50);
const codeRequest = (clientId: string, redirectUri: string) => ({
  client_id: clientId,
  redirect_uri: redirectUri,
  response_type: 'code',
  scope: 'openid profile',
  state: 'st',
  code_challenge: toyHash(verifier),
  code_challenge_method: 'S256',
});
const discovery = async (server: ReturnType<typeof setup>['server']) => {
  const r: HttpResponse = await server.handle(httpRequest({ method: 'GET', path: '/.well-known/openid-configuration' }));
  return r._tag === 'Json' ? (r.body as Record<string, unknown>) : {};
};

describe('client ID metadata documents in the client lookup', () => {
  it('the authorization code flow runs with a client known only from its document; the client is never saved', async () => {
    const { server, authorize, post, fetched, clients } = setup({ [appUrl]: appDoc });
    const start = await authorize(codeRequest(appUrl, 'https://app.example.test/cb'));
    expect(start).toMatchObject({ _tag: 'Redirect', status: 303 });
    const id = start._tag === 'Redirect' ? start.location.replace('/interaction/', '') : '';
    expect(await server.interactions.details(id)).toMatchObject({ _tag: 'Found', details: { client: { clientId: appUrl, clientName: 'Example App' } } });
    const done = await server.interactions.finish(id, { subject: 'alice', scope: ['openid', 'profile'], authTime: 1_800_000_000 });
    const back = splitUrl(done._tag === 'Redirect' ? done.location : '');
    expect(back.base).toBe('https://app.example.test/cb');
    const tokens = await post('/token', { grant_type: 'authorization_code', code: back.params['code'] ?? '', redirect_uri: 'https://app.example.test/cb', code_verifier: verifier, client_id: appUrl });
    expect(tokens).toMatchObject({ status: 200, body: { token_type: 'Bearer', scope: 'openid profile' } });
    expect(fetched.every((u) => u === appUrl)).toBe(true);
    expect(clients.all.has(appUrl)).toBe(false);
  });

  it('a redirect URI that is not in the document gets the error page and no redirect', async () => {
    const { authorize } = setup({ [appUrl]: appDoc });
    expect(await authorize(codeRequest(appUrl, 'https://evil.example.test/cb'))).toMatchObject({ _tag: 'Html', status: 400 });
  });

  it('a document whose client_id is not its URL makes the client unknown (error page, reason in the log)', async () => {
    const { authorize, logger } = setup({ [appUrl]: { ...appDoc, client_id: 'https://app.example.test/oauth/other.json' } });
    expect(await authorize(codeRequest(appUrl, 'https://app.example.test/cb'))).toMatchObject({ _tag: 'Html', status: 400 });
    expect(logger.entries).toContainEqual(expect.objectContaining({ level: 'warn', message: 'client id metadata document refused', fields: expect.objectContaining({ reason: expect.stringMatching(/client_id/) }) }));
  });

  it('a document with a shared secret is refused; so is one that cannot be fetched', async () => {
    const { authorize } = setup({ [appUrl]: { ...appDoc, token_endpoint_auth_method: 'client_secret_basic', client_secret: 'x'.repeat(40) } });
    expect(await authorize(codeRequest(appUrl, 'https://app.example.test/cb'))).toMatchObject({ _tag: 'Html', status: 400 });
    expect(await authorize(codeRequest('https://gone.example.test/client', 'https://gone.example.test/cb'))).toMatchObject({ _tag: 'Html', status: 400 });
  });

  it('a transient fetch failure (timeout) makes the client unknown too: invalid_client, an error page, never a 5xx', async () => {
    const { post, authorize, logger } = setup({}, { transient: true });
    expect(await post('/token', { grant_type: 'refresh_token', refresh_token: 'x', client_id: appUrl })).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(await authorize(codeRequest(appUrl, 'https://app.example.test/cb'))).toMatchObject({ _tag: 'Html', status: 400 });
    expect(logger.entries).toContainEqual(expect.objectContaining({ fields: expect.objectContaining({ reason: expect.stringMatching(/transient/) }) }));
  });

  it('a stored client wins over a document; ids that are not URLs never reach the port', async () => {
    const { authorize, fetched } = setup({ 'https://seeded.example.test/client': { ...appDoc, client_id: 'https://seeded.example.test/client' } });
    await authorize(codeRequest('https://seeded.example.test/client', 'https://rp.example.test/cb'));
    await authorize(codeRequest('plain-id', 'https://rp.example.test/cb'));
    expect(fetched).toEqual([]);
  });

  it('discovery advertises client_id_metadata_document_supported only with the port; without it a URL id is unknown', async () => {
    const on = setup({ [appUrl]: appDoc });
    expect(await discovery(on.server)).toMatchObject({ client_id_metadata_document_supported: true });
    const off = setup({ [appUrl]: appDoc }, { withPort: false });
    expect(await discovery(off.server)).not.toHaveProperty('client_id_metadata_document_supported');
    expect(await off.authorize(codeRequest(appUrl, 'https://app.example.test/cb'))).toMatchObject({ _tag: 'Html', status: 400 });
    expect(off.fetched).toEqual([]);
  });
});
