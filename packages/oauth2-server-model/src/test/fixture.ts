import { createHash } from 'node:crypto';
import type { AuthorizationServer, HttpRequest, HttpResponse } from '@grantor/core';
import { conformanceSeed } from '@grantor/testkit';
import type { SeedClient, SeedUser } from './memory-model.js';

/** The conformance suite's clients and user, as a model registers them (clear secrets). */
export const seedClients = (seed = conformanceSeed): readonly SeedClient[] => [
  {
    id: seed.confidential.clientId,
    secret: seed.confidential.secret,
    redirectUris: [seed.confidential.redirectUri],
    grants: ['authorization_code', 'refresh_token', 'client_credentials'],
    scopes: ['openid', 'offline_access', 'read', 'write'],
  },
  { id: seed.postClient.clientId, secret: seed.postClient.secret, redirectUris: [], grants: ['client_credentials'], scopes: ['read', 'write'] },
  { id: seed.publicClient.clientId, redirectUris: [seed.publicClient.redirectUri], grants: ['authorization_code', 'refresh_token'], scopes: ['openid', 'offline_access', 'read'] },
  { id: seed.grants.passwordClient.clientId, secret: seed.grants.passwordClient.secret, redirectUris: [], grants: ['password', 'refresh_token'], scopes: ['read'] },
];

export const seedUsers = (seed = conformanceSeed): readonly SeedUser[] => [{ id: seed.grants.user.subject, username: seed.grants.user.username, password: seed.grants.user.password }];

export const basic = (id: string, secret: string): string => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

export const s256 = (verifier: string): string => createHash('sha256').update(verifier).digest('base64url');

export const tokenRequest = (server: AuthorizationServer, params: Readonly<Record<string, string>>, authorization?: string): HttpRequest => ({
  method: 'POST',
  path: server.config.routes.token,
  query: '',
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...(authorization === undefined ? {} : { authorization }) },
  body: new TextEncoder().encode(new URLSearchParams(params).toString()),
});

export const bodyOf = (response: HttpResponse): Record<string, unknown> => (response._tag === 'Json' ? (response.body as Record<string, unknown>) : {});

/** Authorization request → interaction → `finish` → the code from the redirect (PKCE S256). */
export const codeFor = async (
  server: AuthorizationServer,
  client: { readonly clientId: string; readonly redirectUri: string },
  scope: string,
  verifier: string,
  subject = 'alice',
): Promise<string> => {
  const query = new URLSearchParams({ response_type: 'code', client_id: client.clientId, redirect_uri: client.redirectUri, scope, state: 's', code_challenge: s256(verifier), code_challenge_method: 'S256' }).toString();
  const started = await server.handle({ method: 'GET', path: server.config.routes.authorization, query, headers: {}, body: undefined });
  if (started._tag !== 'Redirect') throw new Error(`authorize answered ${started._tag} ${started.status}: ${JSON.stringify(started)}`);
  const id = /\/interaction\/([^/?#]+)/.exec(started.location)?.[1];
  if (id === undefined) throw new Error(`no interaction in ${started.location}`);
  const finished = await server.interactions.finish(decodeURIComponent(id), { subject, scope: scope.split(' '), authTime: Math.floor(Date.now() / 1000) });
  if (finished._tag !== 'Redirect') throw new Error(`finish answered ${finished._tag}`);
  const code = new URL(finished.location).searchParams.get('code');
  if (code === null) throw new Error(`no code in ${finished.location}`);
  return code;
};
