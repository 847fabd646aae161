import type { ColumnType, Insertable, Selectable } from 'kysely';

/**
 * The database schema Grantor's SQL store works with, as Kysely table types. Conventions:
 * - every table is prefixed `grantor_`; bearer values (codes, tokens, device and user codes) are stored as their
 *   SHA-256 (base64url) only, never in clear;
 * - times are epoch seconds in `bigint` columns (PostgreSQL's driver returns `int8` as a string, hence `Epoch`);
 * - scopes are space-delimited strings (RFC 6749 §3.3: a scope token never contains a space);
 * - structured values (client document, secret hashes, audiences, extra claims, JWKs) are JSON in text columns, so
 *   the three dialects read back the same value.
 */

/** Epoch seconds: written as a number, read as whatever the driver returns for `bigint`. */
export type Epoch = ColumnType<number | string | bigint, number, number>;
export type NullableEpoch = ColumnType<number | string | bigint | null, number | null | undefined, number | null>;
/** Small integers (intervals, ages). */
export type Int = ColumnType<number | string | bigint, number, number>;
export type NullableInt = ColumnType<number | string | bigint | null, number | null | undefined, number | null>;
/** A nullable text column: optional on insert. */
export type NullableText = ColumnType<string | null, string | null | undefined, string | null>;

export interface ClientsTable {
  readonly client_id: string;
  readonly client_name: NullableText;
  readonly token_endpoint_auth_method: string;
  /** JSON array of `{ hash, expiresAt? }`. */
  readonly secret_hashes: string;
  /** JSON of the rest of the `Client` (metadata, URIs, grant types, JWKs, lifetimes…). */
  readonly document: string;
}

export interface AuthorizationCodesTable {
  readonly code_hash: string;
  readonly grant_id: string;
  readonly client_id: string;
  readonly redirect_uri: string;
  readonly subject: string;
  readonly scope: string;
  readonly pkce_challenge: NullableText;
  readonly pkce_method: NullableText;
  readonly nonce: NullableText;
  readonly auth_time: NullableEpoch;
  readonly acr: NullableText;
  readonly issued_at: Epoch;
  readonly expires_at: Epoch;
  readonly redeemed_at: NullableEpoch;
  /** Migration 0005: RFC 8707 resources, space-delimited. */
  readonly resource: NullableText;
  /** Migration `0010_dpop_jkt`: RFC 9449 §10 key binding of the code. */
  readonly dpop_jkt: NullableText;
}

export interface AccessTokensTable {
  /** SHA-256 of an opaque token, or the `jti` of a JWT access token. */
  readonly id: string;
  readonly format: string;
  readonly client_id: string;
  readonly subject: NullableText;
  readonly scope: string;
  readonly grant_id: NullableText;
  /** JSON array of strings. */
  readonly audience: NullableText;
  readonly auth_time: NullableEpoch;
  readonly issued_at: Epoch;
  readonly expires_at: Epoch;
  readonly revoked_at: NullableEpoch;
  /** JSON object of extra claims. */
  readonly extra: NullableText;
  /** Last recorded use (migration 0013): `TokenUsageStore.recordUses` moves it forward. */
  readonly last_used_at: NullableEpoch;
}

export interface RefreshTokensTable {
  readonly token_hash: string;
  readonly grant_id: string;
  readonly client_id: string;
  readonly subject: string;
  readonly scope: string;
  readonly granted_scope: string;
  readonly nonce: NullableText;
  readonly auth_time: NullableEpoch;
  readonly issued_at: Epoch;
  readonly expires_at: Epoch;
  readonly rotated_at: NullableEpoch;
  readonly successor_hash: NullableText;
  readonly revoked_at: NullableEpoch;
  /** Migration 0005: RFC 8707 resources of the grant, space-delimited. */
  readonly resource: NullableText;
  /** Migration `0006_dpop`: RFC 9449 §5 key binding of a public client's refresh token. */
  readonly dpop_jkt: NullableText;
}

export interface ConsentsTable {
  readonly subject: string;
  readonly client_id: string;
  readonly scope: string;
  readonly granted_at: Epoch;
}

export interface InteractionsTable {
  readonly id: string;
  readonly kind: string;
  readonly client_id: string;
  readonly redirect_uri: string;
  readonly scope: string;
  readonly state: NullableText;
  readonly pkce_challenge: NullableText;
  readonly pkce_method: NullableText;
  readonly nonce: NullableText;
  readonly prompt: string;
  readonly max_age: NullableInt;
  readonly login_hint: NullableText;
  readonly ui_locales: NullableText;
  readonly claims: NullableText;
  readonly response_mode: string;
  readonly user_code_hash: NullableText;
  readonly created_at: Epoch;
  readonly expires_at: Epoch;
  readonly finished_at: NullableEpoch;
  /** Migration 0005: RFC 8707 resources of the request, space-delimited. */
  readonly resource: NullableText;
  /** Migration `0010_dpop_jkt`: RFC 9449 §10 `dpop_jkt` of the request. */
  readonly dpop_jkt: NullableText;
}

export interface DeviceCodesTable {
  readonly device_code_hash: string;
  readonly user_code_hash: string;
  readonly client_id: string;
  readonly scope: string;
  readonly status: string;
  readonly subject: NullableText;
  readonly granted_scope: NullableText;
  /** Migration 0011: RFC 8707 resources of the device authorization request, space-delimited. */
  readonly resource: NullableText;
  readonly auth_time: NullableEpoch;
  readonly grant_id: string;
  /** `interval` is a reserved word in SQL. */
  readonly poll_interval: Int;
  readonly last_polled_at: NullableEpoch;
  readonly issued_at: Epoch;
  readonly expires_at: Epoch;
}

export interface ReplayCacheTable {
  readonly replay_key: string;
  readonly expires_at: Epoch;
}

export interface SigningKeysTable {
  readonly kid: string;
  readonly alg: string;
  /** `next` | `active` | `retired`. */
  readonly status: string;
  /** JSON of the public JWK. */
  readonly public_jwk: string;
  /** The private JWK as text: JSON, or an opaque (e.g. encrypted) string the key port understands. */
  readonly private_jwk: string;
  readonly created_at: Epoch;
  readonly retired_at: NullableEpoch;
}

/** Migration `0002_client_secret_jwt`: the `client_secret_jwt` secret of a client, as a sealed `oct` JWK. */
export interface ClientSecretJwtKeysTable {
  readonly client_id: string;
  /** `privateKeySealer.seal({ kty: 'oct', k }, 'client_secret_jwt:<client_id>')`: clear JSON without a sealer. */
  readonly sealed_key: string;
}

/** Migration `0003_revoked_grants`: a tombstone per revoked grant (see `stores/revoked-grants.ts`). */
export interface RevokedGrantsTable {
  readonly grant_id: string;
  readonly revoked_at: Epoch;
}

/** Migration `0004_pushed_requests`: RFC 9126 pushed authorization requests. */
export interface PushedRequestsTable {
  readonly request_uri_hash: string;
  readonly client_id: string;
  /** JSON: parameter name → values. */
  readonly params: string;
  readonly created_at: Epoch;
  readonly expires_at: Epoch;
  readonly used_at: NullableEpoch;
}

/** Migration `0007_users`: local user accounts. */
export interface UsersTable {
  readonly subject: string;
  readonly username: string;
  /** Lower-cased address, or NULL. */
  readonly email: NullableText;
  /** 0 or 1. */
  readonly email_verified: Int;
  /** argon2id (PHC string). */
  readonly password_hash: string;
  /** JSON object of OIDC claims. */
  readonly claims: string;
  /** 0 or 1. */
  readonly disabled: Int;
  readonly origin: string;
  readonly created_at: Epoch;
  readonly last_login_at: NullableEpoch;
  /** 0 or 1 (migration `0009_user_admin`). */
  readonly is_admin: Int;
}

/** Migration `0007_users`: single-use account tokens (email verification, password reset), by SHA-256. */
export interface AccountTokensTable {
  readonly token_hash: string;
  readonly purpose: string;
  readonly subject: string;
  readonly email: string;
  readonly issued_at: Epoch;
  readonly expires_at: Epoch;
  readonly consumed_at: NullableEpoch;
}

/** Migration `0008_login_sessions`: signed-in browser sessions, by the SHA-256 of the session id. */
export interface LoginSessionsTable {
  readonly id_hash: string;
  readonly subject: string;
  readonly auth_time: Epoch;
  /** RFC 8176 method references, space-delimited. */
  readonly amr: string;
  readonly interaction_id: NullableText;
  readonly created_at: Epoch;
  readonly last_seen_at: Epoch;
  readonly expires_at: Epoch;
  readonly user_agent: NullableText;
}

/** Migration `0012_registry`: the scope registry. */
export interface ScopesTable {
  readonly name: string;
  readonly description: NullableText;
  /** 1 when a person may deselect the scope on the consent page. */
  readonly optional: Int;
}

/** Migration `0012_registry`: the RFC 8707 resource registry. */
export interface ResourcesTable {
  readonly identifier: string;
  /** Accepted scopes, space-delimited. */
  readonly scope: string;
  readonly access_token_format: NullableText;
  readonly access_token_lifetime: NullableInt;
  /** Client ids that may introspect the resource's tokens, a JSON array. */
  readonly client_ids: string;
}

export interface MigrationsTable {
  readonly id: string;
  readonly applied_at: Epoch;
}

/** The full database type for `Kysely<GrantorDatabase>`. */
export interface GrantorDatabase {
  readonly grantor_clients: ClientsTable;
  readonly grantor_authorization_codes: AuthorizationCodesTable;
  readonly grantor_access_tokens: AccessTokensTable;
  readonly grantor_refresh_tokens: RefreshTokensTable;
  readonly grantor_consents: ConsentsTable;
  readonly grantor_interactions: InteractionsTable;
  readonly grantor_device_codes: DeviceCodesTable;
  readonly grantor_replay_cache: ReplayCacheTable;
  readonly grantor_signing_keys: SigningKeysTable;
  readonly grantor_client_secret_jwt_keys: ClientSecretJwtKeysTable;
  readonly grantor_revoked_grants: RevokedGrantsTable;
  readonly grantor_pushed_requests: PushedRequestsTable;
  readonly grantor_users: UsersTable;
  readonly grantor_account_tokens: AccountTokensTable;
  readonly grantor_login_sessions: LoginSessionsTable;
  readonly grantor_scopes: ScopesTable;
  readonly grantor_resources: ResourcesTable;
  readonly grantor_migrations: MigrationsTable;
}

export type Row<T extends keyof GrantorDatabase> = Selectable<GrantorDatabase[T]>;
export type NewRow<T extends keyof GrantorDatabase> = Insertable<GrantorDatabase[T]>;
