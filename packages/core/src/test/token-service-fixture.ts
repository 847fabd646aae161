/** A small fixture for the signing/introspection side's endpoint tests: stores, signer, clients and token minting. */
import * as E from 'fp-ts/lib/Either.js';
import * as O from 'fp-ts/lib/Option.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import type { Client } from '../domain/client.js';
import type { AccessTokenRecord, RefreshTokenRecord } from '../domain/records.js';
import { base64Encode } from '../http/encoding.js';
import { httpRequest, type HttpRequest } from '../http/http-request.js';
import { joseSigner } from '../keys/jose-signer.js';
import { memoryKeyStore } from '../keys/key-stores.js';
import type { UserClaimsSource } from '../ports/identity.js';
import { signedTokenHooks } from '../tokens/signed-tokens.js';
import { memoryClients, publicClient, testClock, testConfig, testLogger, testSecrets, webClient } from './fake-ports.js';
import { utf8, formEncode } from './http-helpers.js';
import { memoryAccessTokens, memoryRefreshTokens, memoryReplay } from './token-fakes.js';

export const aliceClaims = { sub: 'ignored', name: 'Alice A', given_name: 'Alice', family_name: 'A', email: 'alice@example.test', email_verified: true, phone_number: '+1 555', secret_note: 'x' };

export const tokenServiceFixture = (options: { readonly algorithms?: readonly ('RS256' | 'ES256')[] } = {}) => {
  const config = testConfig();
  const clock = testClock();
  const logger = testLogger();
  const signer = joseSigner({ store: memoryKeyStore(), clock, algorithms: options.algorithms ?? ['RS256', 'ES256'], maxTokenLifetime: 3600 });
  const accessTokens = memoryAccessTokens();
  const refreshTokens = memoryRefreshTokens();
  const clients: readonly Client[] = [
    webClient(),
    webClient({ clientId: 'other', secretHashes: [{ hash: testSecrets.hash('other-secret') }] }),
    publicClient(),
  ];
  const clientStore = memoryClients(clients);
  const claims: UserClaimsSource = { claims: (sub) => TE.right(sub === 'alice' ? O.some(aliceClaims) : O.none) };
  const deps = {
    config,
    clock,
    logger,
    signer,
    secrets: testSecrets,
    accessTokens,
    refreshTokens,
    claims,
    clientAuth: { clients: clientStore, secrets: testSecrets, replay: memoryReplay() },
  };
  const hooks = signedTokenHooks(config, signer);
  let n = 0;

  /** Stores and returns an access token of `clientId` (opaque or RFC 9068 JWT). */
  const accessToken = async (
    clientId: string,
    overrides: Partial<AccessTokenRecord> = {},
    format: 'opaque' | 'jwt' = 'opaque',
  ): Promise<{ readonly token: string; readonly record: AccessTokenRecord }> => {
    const now = Math.floor(clock.now());
    const token = format === 'opaque' ? `opaque${++n}` : '';
    const record: AccessTokenRecord = {
      id: format === 'opaque' ? testSecrets.hash(token) : `jti${++n}`,
      format,
      clientId,
      subject: 'alice',
      scope: ['openid', 'profile', 'email'],
      grantId: `g${n}`,
      issuedAt: now,
      expiresAt: now + 600,
      ...overrides,
    };
    await accessTokens.save(record)();
    if (format === 'opaque') return { token, record };
    const signed = await hooks.accessToken!(record, webClient({ clientId }))();
    if (E.isLeft(signed)) throw new Error('signing failed');
    return { token: signed.right, record };
  };

  const refreshToken = async (clientId: string, overrides: Partial<RefreshTokenRecord> = {}): Promise<{ readonly token: string; readonly record: RefreshTokenRecord }> => {
    const now = Math.floor(clock.now());
    const token = `refresh${++n}`;
    const record: RefreshTokenRecord = {
      tokenHash: testSecrets.hash(token),
      grantId: `g${n}`,
      clientId,
      subject: 'alice',
      scope: ['openid', 'offline_access'],
      grantedScope: ['openid', 'offline_access'],
      issuedAt: now,
      expiresAt: now + 3600,
      ...overrides,
    };
    await refreshTokens.save(record)();
    return { token, record };
  };

  return { config, clock, logger, signer, accessTokens, refreshTokens, deps, accessToken, refreshToken };
};

export const basic = (id: string, secret: string): string => `Basic ${base64Encode(utf8(`${id}:${secret}`))}`;

/** A form POST, authenticated with HTTP Basic unless `authorization` is given (`null`: none). */
export const formPost = (path: string, params: Readonly<Record<string, string>>, authorization: string | null = basic('web', 'secret')): HttpRequest =>
  httpRequest({
    method: 'POST',
    path,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(authorization === null ? {} : { authorization }) },
    body: utf8(formEncode(params)),
  });
