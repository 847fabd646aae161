import type { Client } from '@grantor/core';
import type { AccessTokenRecord, AuthorizationCodeRecord, ClientSecretHash, ConsentRecord, DeviceCodeRecord, DeviceCodeStatus, InteractionRecord, PkceChallenge, RefreshTokenRecord } from '@grantor/core/extend';
import type { NewRow, Row } from './schema.js';

/** Row ↔ record mapping. Optional record members are SQL NULLs; absent members never become `undefined`. */

const num = (v: number | string | bigint): number => Number(v);
/** Stored times are whole epoch seconds (the core may pass fractional seconds). */
export const epoch = (v: number): number => Math.floor(v);

const opt = <K extends string, V>(key: K, v: V | null | undefined): Partial<Record<K, V>> =>
  v === null || v === undefined ? {} : ({ [key]: v } as Partial<Record<K, V>>);
const optNum = <K extends string>(key: K, v: number | string | bigint | null): Partial<Record<K, number>> => opt(key, v === null ? null : num(v));

/** RFC 6749 §3.3: scope tokens never contain a space, so the space-delimited form is lossless. */
export const scopeToText = (scope: readonly string[]): string => scope.join(' ');
export const textToScope = (text: string): string[] => (text === '' ? [] : text.split(' '));

/** RFC 8707 resources: absolute URIs never contain a space, so the space-delimited form is lossless. */
const resourceToText = (resource: readonly string[] | undefined): string | null => (resource === undefined || resource.length === 0 ? null : resource.join(' '));
const textToResource = (text: string | null): Partial<Record<'resource', readonly string[]>> => (text === null || text === '' ? {} : { resource: text.split(' ') });

const pkceOf = (challenge: string | null, method: string | null): Partial<Record<'pkce', PkceChallenge>> =>
  challenge === null || (method !== 'S256' && method !== 'plain') ? {} : { pkce: { challenge, method } };

// ---- clients

export const clientToRow = (c: Client): NewRow<'grantor_clients'> => {
  const { secretHashes, ...document } = c;
  return {
    client_id: c.clientId,
    client_name: c.clientName ?? null,
    token_endpoint_auth_method: c.tokenEndpointAuthMethod,
    secret_hashes: JSON.stringify(secretHashes),
    document: JSON.stringify(document),
  };
};

export const rowToClient = (r: Row<'grantor_clients'>): Client => {
  const document = JSON.parse(r.document) as Omit<Client, 'secretHashes'>;
  return { ...document, clientId: r.client_id, secretHashes: JSON.parse(r.secret_hashes) as ClientSecretHash[] };
};

// ---- authorization codes

export const codeToRow = (c: AuthorizationCodeRecord): NewRow<'grantor_authorization_codes'> => ({
  code_hash: c.codeHash,
  grant_id: c.grantId,
  client_id: c.clientId,
  redirect_uri: c.redirectUri,
  subject: c.subject,
  scope: scopeToText(c.scope),
  pkce_challenge: c.pkce?.challenge ?? null,
  pkce_method: c.pkce?.method ?? null,
  nonce: c.nonce ?? null,
  auth_time: c.authTime === undefined ? null : epoch(c.authTime),
  acr: c.acr ?? null,
  issued_at: epoch(c.issuedAt),
  expires_at: epoch(c.expiresAt),
  redeemed_at: c.redeemedAt === undefined ? null : epoch(c.redeemedAt),
  resource: resourceToText(c.resource),
  dpop_jkt: c.dpopJkt ?? null,
});

export const rowToCode = (r: Row<'grantor_authorization_codes'>): AuthorizationCodeRecord => ({
  codeHash: r.code_hash,
  grantId: r.grant_id,
  clientId: r.client_id,
  redirectUri: r.redirect_uri,
  subject: r.subject,
  scope: textToScope(r.scope),
  ...pkceOf(r.pkce_challenge, r.pkce_method),
  ...opt('nonce', r.nonce),
  ...optNum('authTime', r.auth_time),
  ...opt('acr', r.acr),
  issuedAt: num(r.issued_at),
  expiresAt: num(r.expires_at),
  ...optNum('redeemedAt', r.redeemed_at),
  ...textToResource(r.resource),
  ...opt('dpopJkt', r.dpop_jkt),
});

// ---- access tokens

export const accessToRow = (t: AccessTokenRecord): NewRow<'grantor_access_tokens'> => ({
  id: t.id,
  format: t.format,
  client_id: t.clientId,
  subject: t.subject ?? null,
  scope: scopeToText(t.scope),
  grant_id: t.grantId ?? null,
  audience: t.audience === undefined ? null : JSON.stringify(t.audience),
  auth_time: t.authTime === undefined ? null : epoch(t.authTime),
  issued_at: epoch(t.issuedAt),
  expires_at: epoch(t.expiresAt),
  revoked_at: t.revokedAt === undefined ? null : epoch(t.revokedAt),
  extra: t.extra === undefined ? null : JSON.stringify(t.extra),
  last_used_at: t.lastUsedAt === undefined ? null : epoch(t.lastUsedAt),
});

export const rowToAccess = (r: Row<'grantor_access_tokens'>): AccessTokenRecord => ({
  id: r.id,
  format: r.format === 'jwt' ? 'jwt' : 'opaque',
  clientId: r.client_id,
  ...opt('subject', r.subject),
  scope: textToScope(r.scope),
  ...opt('grantId', r.grant_id),
  ...opt('audience', r.audience === null ? null : (JSON.parse(r.audience) as string[])),
  ...optNum('authTime', r.auth_time),
  issuedAt: num(r.issued_at),
  expiresAt: num(r.expires_at),
  ...optNum('revokedAt', r.revoked_at),
  ...optNum('lastUsedAt', r.last_used_at),
  ...opt('extra', r.extra === null ? null : (JSON.parse(r.extra) as Record<string, unknown>)),
});

// ---- refresh tokens

export const refreshToRow = (t: RefreshTokenRecord): NewRow<'grantor_refresh_tokens'> => ({
  token_hash: t.tokenHash,
  grant_id: t.grantId,
  client_id: t.clientId,
  subject: t.subject,
  scope: scopeToText(t.scope),
  granted_scope: scopeToText(t.grantedScope),
  nonce: t.nonce ?? null,
  auth_time: t.authTime === undefined ? null : epoch(t.authTime),
  issued_at: epoch(t.issuedAt),
  expires_at: epoch(t.expiresAt),
  rotated_at: t.rotatedAt === undefined ? null : epoch(t.rotatedAt),
  successor_hash: t.successorHash ?? null,
  revoked_at: t.revokedAt === undefined ? null : epoch(t.revokedAt),
  resource: resourceToText(t.resource),
  dpop_jkt: t.dpopJkt ?? null,
});

export const rowToRefresh = (r: Row<'grantor_refresh_tokens'>): RefreshTokenRecord => ({
  tokenHash: r.token_hash,
  grantId: r.grant_id,
  clientId: r.client_id,
  subject: r.subject,
  scope: textToScope(r.scope),
  grantedScope: textToScope(r.granted_scope),
  ...opt('nonce', r.nonce),
  ...optNum('authTime', r.auth_time),
  issuedAt: num(r.issued_at),
  expiresAt: num(r.expires_at),
  ...optNum('rotatedAt', r.rotated_at),
  ...opt('successorHash', r.successor_hash),
  ...optNum('revokedAt', r.revoked_at),
  ...textToResource(r.resource),
  ...opt('dpopJkt', r.dpop_jkt),
});

// ---- consents

export const rowToConsent = (r: Row<'grantor_consents'>): ConsentRecord => ({
  subject: r.subject,
  clientId: r.client_id,
  scope: textToScope(r.scope),
  grantedAt: num(r.granted_at),
});

// ---- interactions

export const interactionToRow = (i: InteractionRecord): NewRow<'grantor_interactions'> => ({
  id: i.id,
  kind: i.kind,
  client_id: i.clientId,
  redirect_uri: i.redirectUri,
  scope: scopeToText(i.scope),
  state: i.state ?? null,
  pkce_challenge: i.pkce?.challenge ?? null,
  pkce_method: i.pkce?.method ?? null,
  nonce: i.nonce ?? null,
  prompt: JSON.stringify(i.prompt),
  max_age: i.maxAge ?? null,
  login_hint: i.loginHint ?? null,
  ui_locales: i.uiLocales ?? null,
  claims: i.claims ?? null,
  response_mode: i.responseMode,
  user_code_hash: i.userCodeHash ?? null,
  created_at: epoch(i.createdAt),
  expires_at: epoch(i.expiresAt),
  finished_at: i.finishedAt === undefined ? null : epoch(i.finishedAt),
  resource: resourceToText(i.resource),
  dpop_jkt: i.dpopJkt ?? null,
});

export const rowToInteraction = (r: Row<'grantor_interactions'>): InteractionRecord => ({
  id: r.id,
  kind: r.kind === 'device_code' ? 'device_code' : 'authorization_code',
  clientId: r.client_id,
  redirectUri: r.redirect_uri,
  scope: textToScope(r.scope),
  ...opt('state', r.state),
  ...pkceOf(r.pkce_challenge, r.pkce_method),
  ...opt('nonce', r.nonce),
  prompt: JSON.parse(r.prompt) as string[],
  ...optNum('maxAge', r.max_age),
  ...opt('loginHint', r.login_hint),
  ...opt('uiLocales', r.ui_locales),
  ...opt('claims', r.claims),
  responseMode: 'query',
  ...opt('userCodeHash', r.user_code_hash),
  createdAt: num(r.created_at),
  expiresAt: num(r.expires_at),
  ...optNum('finishedAt', r.finished_at),
  ...textToResource(r.resource),
  ...opt('dpopJkt', r.dpop_jkt),
});

// ---- device codes

const deviceStatus = (s: string): DeviceCodeStatus =>
  s === 'approved' || s === 'denied' || s === 'consumed' ? s : 'pending';

export const deviceToRow = (d: DeviceCodeRecord): NewRow<'grantor_device_codes'> => ({
  device_code_hash: d.deviceCodeHash,
  user_code_hash: d.userCodeHash,
  client_id: d.clientId,
  scope: scopeToText(d.scope),
  resource: resourceToText(d.resource),
  status: d.status,
  subject: d.subject ?? null,
  granted_scope: d.grantedScope === undefined ? null : scopeToText(d.grantedScope),
  auth_time: d.authTime === undefined ? null : epoch(d.authTime),
  grant_id: d.grantId,
  poll_interval: d.interval,
  last_polled_at: d.lastPolledAt === undefined ? null : epoch(d.lastPolledAt),
  issued_at: epoch(d.issuedAt),
  expires_at: epoch(d.expiresAt),
});

export const rowToDevice = (r: Row<'grantor_device_codes'>): DeviceCodeRecord => ({
  deviceCodeHash: r.device_code_hash,
  userCodeHash: r.user_code_hash,
  clientId: r.client_id,
  scope: textToScope(r.scope),
  ...textToResource(r.resource),
  status: deviceStatus(r.status),
  ...opt('subject', r.subject),
  ...opt('grantedScope', r.granted_scope === null ? null : textToScope(r.granted_scope)),
  ...optNum('authTime', r.auth_time),
  grantId: r.grant_id,
  interval: num(r.poll_interval),
  ...optNum('lastPolledAt', r.last_polled_at),
  issuedAt: num(r.issued_at),
  expiresAt: num(r.expires_at),
});
