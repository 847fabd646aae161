/** Shared pieces of the store contract: the ports under test, fixtures with unique ids, and result unwrapping. */
import { randomBytes } from 'node:crypto';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { Client, KeyStore, StoreError } from '@grantor/core';
import type { AccessTokenRecord, AccessTokenStore, AccountTokenStore, AdminStore, AuthorizationCodeRecord, AuthorizationCodeStore, ClientSecretJwtKeyStore, ClientStore, ConsentStore, DeviceCodeRecord, DeviceCodeStore, InteractionRecord, InteractionStore, LoginSessionStore, PushedRequestStore, RefreshTokenRecord, RefreshTokenStore, RegisteredClientStore, RegistryStore, ReplayCache, Sweeper, TokenUsageStore, UserStore } from '@grantor/core/extend';

/** Every store port, under the names `@grantor/store-memory` uses. */
export interface StorePorts {
  readonly clients: ClientStore;
  readonly authorizationCodes: AuthorizationCodeStore;
  readonly accessTokens: AccessTokenStore;
  readonly refreshTokens: RefreshTokenStore;
  readonly consents: ConsentStore;
  readonly interactions: InteractionStore;
  readonly deviceCodes: DeviceCodeStore;
  readonly replay: ReplayCache;
  readonly sweeper: Sweeper;
  /** The signing key set; its contract tests are skipped when a store does not provide one. */
  readonly keys?: KeyStore;
  /** The operator's store; its contract tests are skipped when a store does not provide one. */
  readonly admin?: AdminStore;
  /** `client_secret_jwt` secrets; its contract tests are skipped when a store does not provide them. */
  readonly clientSecretJwtKeys?: ClientSecretJwtKeyStore;
  /** Local user accounts; its contract tests are skipped when a store does not provide them. */
  readonly users?: UserStore;
  /** Single-use account tokens (verification, reset); skipped when absent. */
  readonly accountTokens?: AccountTokenStore;
  /** Signed-in browser sessions of a host's pages; skipped when absent. */
  readonly loginSessions?: LoginSessionStore;
  /** RFC 7591 / RFC 7592 deletion and listing; its contract tests are skipped when a store does not provide them. */
  readonly registeredClients?: RegisteredClientStore;
  /** RFC 9126 pushed requests; its contract tests are skipped when a store does not provide them. */
  readonly pushedRequests?: PushedRequestStore;
  /** Access tokens' `lastUsedAt` (usage tracking); its contract tests are skipped when a store does not provide it. */
  readonly accessTokenUsage?: TokenUsageStore;
  /** The scope and resource registry; its contract tests are skipped when a store does not provide one. */
  readonly registry?: RegistryStore;
}

/** What a store factory hands the contract: the ports and, if the store holds resources, how to release them. */
export interface StoreUnderTest extends StorePorts {
  readonly cleanup?: () => Promise<void>;
}

export interface StoreContractOptions {
  /**
   * `test` (default): `makeStore` is called before every test and `cleanup` after it. `suite`: one store for the
   * whole suite (every test uses fresh random ids, so tests do not see each other's rows; sweep counts are then
   * checked as lower bounds).
   */
  readonly isolation?: 'test' | 'suite';
  /** Concurrent callers in the race tests (default 50). */
  readonly concurrency?: number;
  /** fast-check runs of the round-trip properties (default 25). */
  readonly numRuns?: number;
}

export interface ContractContext {
  /** The store of the current test. */
  readonly store: () => StorePorts;
  readonly isolation: 'test' | 'suite';
  readonly concurrency: number;
  readonly numRuns: number;
}

/** Runs a store call and returns its value; a `StoreError` fails the test with its detail. */
export const ok = async <A>(te: TaskEither<StoreError, A>): Promise<A> => {
  const result = await te();
  if (result._tag === 'Left') throw new Error(`store returned StoreError: ${result.left.detail}`, { cause: result.left.cause });
  return result.right;
};

/** The instant the contract's records are issued at (epoch seconds): 2027-01-15T08:00:00Z. */
export const t0 = 1_800_000_000;

/** A fresh random base64url value of SHA-256 size (a hash, an id). */
export const uniqueHash = (): string => randomBytes(32).toString('base64url');
export const uniqueId = (prefix: string): string => `${prefix}-${randomBytes(9).toString('base64url')}`;

export const codeRecord = (o: Partial<AuthorizationCodeRecord> = {}): AuthorizationCodeRecord => ({
  codeHash: uniqueHash(),
  grantId: uniqueId('grant'),
  clientId: 'contract-client',
  redirectUri: 'https://client.example/cb',
  subject: 'alice',
  scope: ['openid', 'profile'],
  pkce: { challenge: uniqueHash(), method: 'S256' },
  issuedAt: t0,
  expiresAt: t0 + 60,
  ...o,
});

export const accessTokenRecord = (o: Partial<AccessTokenRecord> = {}): AccessTokenRecord => ({
  id: uniqueHash(),
  format: 'opaque',
  clientId: 'contract-client',
  subject: 'alice',
  scope: ['read'],
  issuedAt: t0,
  expiresAt: t0 + 3600,
  ...o,
});

export const refreshTokenRecord = (o: Partial<RefreshTokenRecord> = {}): RefreshTokenRecord => ({
  tokenHash: uniqueHash(),
  grantId: uniqueId('grant'),
  clientId: 'contract-client',
  subject: 'alice',
  scope: ['read', 'offline_access'],
  grantedScope: ['read', 'write', 'offline_access'],
  issuedAt: t0,
  expiresAt: t0 + 86_400,
  ...o,
});

/** The successor of `previous` in its family, issued at `now`. */
export const successorOf = (previous: RefreshTokenRecord, now: number = t0 + 10): RefreshTokenRecord =>
  refreshTokenRecord({
    grantId: previous.grantId,
    clientId: previous.clientId,
    subject: previous.subject,
    scope: previous.scope,
    grantedScope: previous.grantedScope,
    // RFC 9449 §5: a bound family keeps its key; the rotation's insert must keep the member.
    dpopJkt: previous.dpopJkt ?? uniqueHash(),
    issuedAt: now,
    expiresAt: now + 86_400,
  });

export const interactionRecord = (o: Partial<InteractionRecord> = {}): InteractionRecord => ({
  id: uniqueHash(),
  kind: 'authorization_code',
  clientId: 'contract-client',
  redirectUri: 'https://client.example/cb',
  scope: ['openid'],
  state: 'xyz',
  prompt: [],
  responseMode: 'query',
  createdAt: t0,
  expiresAt: t0 + 600,
  ...o,
});

export const deviceCodeRecord = (o: Partial<DeviceCodeRecord> = {}): DeviceCodeRecord => ({
  deviceCodeHash: uniqueHash(),
  userCodeHash: uniqueHash(),
  clientId: 'contract-device',
  scope: ['openid', 'offline_access'],
  status: 'pending',
  grantId: uniqueId('grant'),
  interval: 5,
  issuedAt: t0,
  expiresAt: t0 + 900,
  ...o,
});

export const clientRecord = (o: Partial<Client> = {}): Client => ({
  clientId: uniqueId('client'),
  clientName: 'Contract client',
  secretHashes: [{ hash: uniqueHash() }],
  redirectUris: ['https://client.example/cb'],
  postLogoutRedirectUris: [],
  grantTypes: ['authorization_code', 'refresh_token'],
  responseTypes: ['code'],
  scope: ['openid', 'profile', 'offline_access'],
  tokenEndpointAuthMethod: 'client_secret_basic',
  ...o,
});

/** `n` copies of a call, started together (the store sees them concurrently). */
export const race = <A>(n: number, call: (i: number) => Promise<A>): Promise<A[]> => Promise.all(Array.from({ length: n }, (_, i) => call(i)));

export const countTags = (results: readonly { readonly _tag: string }[]): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const r of results) counts[r._tag] = (counts[r._tag] ?? 0) + 1;
  return counts;
};
