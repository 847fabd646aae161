/**
 * Moving off the model: a model client as RFC 7591 client metadata, to register it in a Grantor store (e.g.
 * `@grantor/store-sql`) with `clientFromMetadata(metadata, runtime.secrets.hash)`. A model never reveals a client's
 * secret (it only checks one), so the clear secret comes from wherever the model keeps it.
 */
import type { ClientMetadata } from '@grantor/core';
import type { RefreshTokenRecord } from '@grantor/core/extend';
import { declaredScope, defaultSubject, listOf, noExpiry, scopeFromModel, secondsOf } from './mapping.js';
import type { ModelClient, ModelRefreshToken, ModelUser } from './model.js';

export interface ClientExport {
  /** The client's clear secret; without one the client becomes public (`none`: PKCE S256 required). */
  readonly secret?: string;
  /** The scopes it may be granted (RFC 7591 `scope`); default: the client object's `scope`/`scopes`. */
  readonly scope?: readonly string[];
  /** How it authenticates when it has a secret (default `client_secret_basic`; oauth2-server accepted both). */
  readonly tokenEndpointAuthMethod?: 'client_secret_basic' | 'client_secret_post';
}

/**
 * RFC 7591 §2 metadata for a model client: `redirect_uris`, `grant_types` (the model's `grants`), `response_types`
 * (`code` with the authorization code grant), `scope`, the secret and authentication method.
 */
export const clientMetadataOf = (client: ModelClient, exported: ClientExport = {}): ClientMetadata => {
  const grants = listOf(client.grants);
  const scope = exported.scope ?? declaredScope(client);
  return {
    client_id: client.id,
    redirect_uris: listOf(client.redirectUris),
    grant_types: grants,
    response_types: grants.includes('authorization_code') ? ['code'] : [],
    ...(scope.length === 0 ? {} : { scope: scope.join(' ') }),
    ...(exported.secret === undefined
      ? { token_endpoint_auth_method: 'none' }
      : { client_secret: exported.secret, token_endpoint_auth_method: exported.tokenEndpointAuthMethod ?? 'client_secret_basic' }),
  };
};

export interface RefreshTokenImport {
  /** Grantor's hasher (`runtime.secrets.hash`): only the hash of the value is stored. */
  readonly hash: (value: string) => string;
  /** The family id for the token (e.g. `runtime.random.token(16)`). */
  readonly grantId: string;
  /** Epoch seconds now (the record's `issuedAt`). */
  readonly now: number;
  readonly subject?: (user: ModelUser) => string | undefined;
}

/**
 * A refresh token the model issued, as a record for a Grantor store (`store.refreshTokens.save(record)`): the model
 * kept the clear value, Grantor keeps its SHA-256, so tokens in the hands of clients survive the move. The first
 * use rotates it as any Grantor refresh token (RFC 9700 §4.14.2).
 */
export const refreshTokenRecordOf = (token: ModelRefreshToken, options: RefreshTokenImport): RefreshTokenRecord => {
  const scope = scopeFromModel(token.scope);
  const expiresAt = token.refreshTokenExpiresAt === undefined ? noExpiry : (secondsOf(token.refreshTokenExpiresAt) ?? noExpiry);
  return {
    tokenHash: options.hash(token.refreshToken),
    grantId: options.grantId,
    clientId: token.client.id,
    subject: (options.subject ?? defaultSubject)(token.user) ?? '',
    scope,
    grantedScope: scope,
    issuedAt: Math.floor(options.now),
    expiresAt,
  };
};
