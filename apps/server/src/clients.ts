import { createHash } from 'node:crypto';
import type { Client, ClientAuthMethod, PublicJwk } from '@grantor/core';
import type { SeedClient } from './seed.js';

const authMethods: readonly ClientAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'];

const strings = (v: unknown, fallback: readonly string[]): readonly string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : fallback;

/** SHA-256 of the UTF-8 value, base64url without padding (the `SecretHasher` port's encoding). */
export const sha256 = (value: string): string => createHash('sha256').update(value, 'utf8').digest('base64url');

/** Members a client's public JWK may carry; private members (`d`, `p`, `q`, …) are dropped. */
const publicJwkMembers = new Set(['kty', 'kid', 'alg', 'use', 'key_ops', 'crv', 'x', 'y', 'n', 'e', 'x5c', 'x5t', 'x5t#S256']);

const publicJwk = (k: Readonly<Record<string, unknown>>): PublicJwk =>
  Object.fromEntries(Object.entries(k).filter(([name]) => publicJwkMembers.has(name))) as PublicJwk;

/**
 * RFC 7591 §2 client metadata → the core's `Client`. Defaults per RFC 7591 §2: `grant_types` ["authorization_code"],
 * `response_types` ["code"], `token_endpoint_auth_method` "client_secret_basic". The secret is kept as its SHA-256
 * only. Unknown members are ignored.
 */
export const clientFromMetadata = (seed: SeedClient): Client => {
  const m = seed.metadata;
  const method = typeof m['token_endpoint_auth_method'] === 'string' ? m['token_endpoint_auth_method'] : 'client_secret_basic';
  if (!authMethods.includes(method as ClientAuthMethod)) {
    throw new Error(`seed: client ${seed.client_id}: unsupported token_endpoint_auth_method ${JSON.stringify(method)}`);
  }
  const secret = typeof m['client_secret'] === 'string' && m['client_secret'] !== '' ? m['client_secret'] : undefined;
  if ((method === 'client_secret_basic' || method === 'client_secret_post' || method === 'client_secret_jwt') && secret === undefined) {
    throw new Error(`seed: client ${seed.client_id}: ${method} needs a client_secret`);
  }
  const jwks = m['jwks'] as { readonly keys?: readonly Readonly<Record<string, unknown>>[] } | undefined;
  if (method === 'private_key_jwt' && (jwks?.keys === undefined || jwks.keys.length === 0) && typeof m['jwks_uri'] !== 'string') {
    throw new Error(`seed: client ${seed.client_id}: private_key_jwt needs jwks`);
  }
  const scope = typeof m['scope'] === 'string' ? m['scope'].split(' ').filter((s) => s !== '') : [];
  return {
    clientId: seed.client_id,
    ...(typeof m['client_name'] === 'string' ? { clientName: m['client_name'] } : {}),
    secretHashes: secret === undefined || method === 'none' || method === 'private_key_jwt' ? [] : [{ hash: sha256(secret) }],
    redirectUris: strings(m['redirect_uris'], []),
    postLogoutRedirectUris: strings(m['post_logout_redirect_uris'], []),
    grantTypes: strings(m['grant_types'], ['authorization_code']),
    responseTypes: strings(m['response_types'], ['code']),
    scope: [...new Set(scope)],
    tokenEndpointAuthMethod: method as ClientAuthMethod,
    ...(jwks?.keys === undefined ? {} : { jwks: { keys: jwks.keys.map(publicJwk) } }),
    ...(typeof m['jwks_uri'] === 'string' ? { jwksUri: m['jwks_uri'] } : {}),
  };
};
