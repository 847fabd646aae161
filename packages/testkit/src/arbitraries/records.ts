/** fast-check arbitraries for the records the stores keep (`@grantor/core` `domain/records.ts`) and for clients. */
import fc from 'fast-check';
import type { Client } from '@grantor/core';
import type { AccessTokenRecord, AuthorizationCodeRecord, ClientAuthMethod, ConsentRecord, DeviceCodeRecord, InteractionRecord, RefreshTokenRecord } from '@grantor/core/extend';
import {
  clientIdArb,
  epochSecondsArb,
  grantIdArb,
  hashArb,
  lifetimeArb,
  maybe,
  pkceArb,
  redirectUriArb,
  scopeArb,
  subjectArb,
  withoutUndefined,
} from './primitives.js';

/** Options shared by the record arbitraries: pin the issue instant, or leave it arbitrary. */
export interface RecordOptions {
  /** Issue instant (epoch seconds); arbitrary when absent. */
  readonly issuedAt?: number;
}

/**
 * Free-form JSON members (`extra`, `metadata`) as they come back from a JSON document: plain prototypes, no `-0`
 * (stores that persist them, e.g. `@grantor/store-sql`, keep JSON, not object identity).
 */
const asJson = (value: Record<string, unknown>): Record<string, unknown> => JSON.parse(JSON.stringify(value)) as Record<string, unknown>;

/** RFC 8707 resource indicators (absolute URIs, no fragment), as a grant's `resource`. */
const resourceArb = fc.uniqueArray(fc.webUrl({ validSchemes: ['https'] }), { minLength: 1, maxLength: 3 });

const issuedAtArb = (o: RecordOptions): fc.Arbitrary<number> => (o.issuedAt === undefined ? epochSecondsArb : fc.constant(o.issuedAt));

/** A fresh (unredeemed) authorization code record (RFC 6749 §4.1.2). */
export const authorizationCodeRecordArb = (o: RecordOptions = {}): fc.Arbitrary<AuthorizationCodeRecord> =>
  fc
    .record({
      codeHash: hashArb,
      grantId: grantIdArb,
      clientId: clientIdArb,
      redirectUri: redirectUriArb,
      subject: subjectArb,
      scope: scopeArb(),
      pkce: maybe(pkceArb),
      nonce: maybe(fc.string({ minLength: 1, maxLength: 40 })),
      acr: maybe(fc.constantFrom('urn:mace:incommon:iap:silver', '1', 'phr')),
      resource: maybe(resourceArb),
      dpopJkt: maybe(hashArb),
      issuedAt: issuedAtArb(o),
      lifetime: fc.integer({ min: 1, max: 600 }),
      authAgo: maybe(fc.nat(86_400)),
    })
    .map(({ lifetime, authAgo, ...r }) =>
      withoutUndefined<AuthorizationCodeRecord>({ ...r, expiresAt: r.issuedAt + lifetime, authTime: authAgo === undefined ? undefined : r.issuedAt - authAgo }),
    );

/** An access token record, opaque or JWT, never revoked. */
export const accessTokenRecordArb = (o: RecordOptions = {}): fc.Arbitrary<AccessTokenRecord> =>
  fc
    .record({
      format: fc.constantFrom('opaque' as const, 'jwt' as const),
      id: hashArb,
      jti: fc.uuid(),
      clientId: clientIdArb,
      subject: maybe(subjectArb),
      scope: scopeArb(),
      grantId: maybe(grantIdArb),
      audience: maybe(fc.uniqueArray(fc.webUrl(), { minLength: 1, maxLength: 3 })),
      authTime: maybe(epochSecondsArb),
      issuedAt: issuedAtArb(o),
      lifetime: lifetimeArb,
      extra: maybe(fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }), fc.oneof(fc.string(), fc.integer(), fc.boolean()), { maxKeys: 3 }).map(asJson)),
    })
    .map(({ lifetime, jti, format, id, ...r }) =>
      withoutUndefined<AccessTokenRecord>({ ...r, format, id: format === 'jwt' ? jti : id, expiresAt: r.issuedAt + lifetime }),
    );

/** An active refresh token (neither rotated nor revoked) whose `scope` is within its `grantedScope`. */
export const refreshTokenRecordArb = (o: RecordOptions & { readonly grantId?: string } = {}): fc.Arbitrary<RefreshTokenRecord> =>
  fc
    .record({
      tokenHash: hashArb,
      grantId: o.grantId === undefined ? grantIdArb : fc.constant(o.grantId),
      clientId: clientIdArb,
      subject: subjectArb,
      grantedScope: scopeArb(),
      resource: maybe(resourceArb),
      keep: fc.infiniteStream(fc.boolean()),
      nonce: maybe(fc.string({ minLength: 1, maxLength: 40 })),
      authTime: maybe(epochSecondsArb),
      dpopJkt: maybe(hashArb),
      issuedAt: issuedAtArb(o),
      lifetime: lifetimeArb,
    })
    .map(({ lifetime, keep, ...r }) => {
      const it = keep[Symbol.iterator]();
      const scope = r.grantedScope.filter(() => it.next().value === true);
      return withoutUndefined<RefreshTokenRecord>({ ...r, scope, expiresAt: r.issuedAt + lifetime });
    });

/** A remembered consent. */
export const consentRecordArb = (o: { readonly subject?: string; readonly clientId?: string; readonly grantedAt?: number } = {}): fc.Arbitrary<ConsentRecord> =>
  fc.record({
    subject: o.subject === undefined ? subjectArb : fc.constant(o.subject),
    clientId: o.clientId === undefined ? clientIdArb : fc.constant(o.clientId),
    scope: scopeArb({ minLength: 1 }),
    grantedAt: o.grantedAt === undefined ? epochSecondsArb : fc.constant(o.grantedAt),
  });

/** A pending (unfinished) interaction, for the authorization-code or device flow. */
export const interactionRecordArb = (o: { readonly createdAt?: number } = {}): fc.Arbitrary<InteractionRecord> =>
  fc
    .record({
      id: hashArb,
      kind: fc.constantFrom('authorization_code' as const, 'device_code' as const),
      clientId: clientIdArb,
      redirectUri: redirectUriArb,
      scope: scopeArb(),
      state: maybe(fc.string({ minLength: 1, maxLength: 60 })),
      pkce: maybe(pkceArb),
      nonce: maybe(fc.string({ minLength: 1, maxLength: 40 })),
      prompt: fc.subarray(['none', 'login', 'consent', 'select_account']),
      maxAge: maybe(fc.nat(86_400)),
      loginHint: maybe(fc.emailAddress()),
      uiLocales: maybe(fc.constantFrom('en', 'fr-CA fr en', 'de')),
      claims: maybe(fc.constant('{"userinfo":{"email":{"essential":true}}}')),
      resource: maybe(resourceArb),
      dpopJkt: maybe(hashArb),
      userCodeHash: hashArb,
      createdAt: o.createdAt === undefined ? epochSecondsArb : fc.constant(o.createdAt),
      lifetime: fc.integer({ min: 60, max: 3600 }),
    })
    .map(({ lifetime, userCodeHash, ...r }) =>
      withoutUndefined<InteractionRecord>({
        ...r,
        responseMode: 'query',
        userCodeHash: r.kind === 'device_code' ? userCodeHash : undefined,
        expiresAt: r.createdAt + lifetime,
      }),
    );

/** A pending RFC 8628 device authorization. */
export const deviceCodeRecordArb = (o: RecordOptions = {}): fc.Arbitrary<DeviceCodeRecord> =>
  fc
    .record({
      deviceCodeHash: hashArb,
      userCodeHash: hashArb,
      clientId: clientIdArb,
      scope: scopeArb(),
      grantId: grantIdArb,
      interval: fc.integer({ min: 1, max: 30 }),
      issuedAt: issuedAtArb(o),
      lifetime: fc.integer({ min: 60, max: 1800 }),
    })
    .map(({ lifetime, ...r }): DeviceCodeRecord => ({ ...r, status: 'pending', expiresAt: r.issuedAt + lifetime }));

const authMethods: readonly ClientAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'];

/** An EC P-256 public JWK shape (values are random, not a valid point: enough for storage and metadata tests). */
const publicJwkArb = fc.record(
  {
    kty: fc.constant('EC'),
    crv: fc.constant('P-256'),
    x: hashArb,
    y: hashArb,
    kid: fc.uuid(),
    alg: fc.constant('ES256'),
    use: fc.constant('sig'),
  },
  { noNullPrototype: true },
);

/** A `Client` record as the core keeps it (secrets are hashes; key-based clients carry `jwks` or `jwksUri`). */
export const clientArb: fc.Arbitrary<Client> = fc
  .record({
    clientId: clientIdArb,
    clientName: maybe(fc.string({ minLength: 1, maxLength: 40 })),
    method: fc.constantFrom(...authMethods),
    secretHashes: fc.array(fc.record({ hash: hashArb, expiresAt: maybe(epochSecondsArb) }).map((s) => withoutUndefined<{ hash: string; expiresAt?: number }>(s)), {
      minLength: 1,
      maxLength: 2,
    }),
    redirectUris: fc.uniqueArray(redirectUriArb, { minLength: 1, maxLength: 3 }),
    postLogoutRedirectUris: fc.uniqueArray(redirectUriArb, { maxLength: 2 }),
    grantTypes: fc.subarray(['authorization_code', 'refresh_token', 'client_credentials', 'urn:ietf:params:oauth:grant-type:device_code'], { minLength: 1 }),
    scope: scopeArb({ minLength: 1 }),
    jwks: fc.array(publicJwkArb, { minLength: 1, maxLength: 2 }),
    jwksUri: maybe(fc.webUrl({ validSchemes: ['https'] })),
    accessTokenFormat: maybe(fc.constantFrom('opaque' as const, 'jwt' as const)),
    lifetimes: maybe(fc.record({ accessToken: lifetimeArb, refreshToken: lifetimeArb }, { requiredKeys: [], noNullPrototype: true })),
    metadata: maybe(fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }).map(asJson)),
    registration: maybe(fc.record({ accessTokenHash: hashArb, registeredAt: epochSecondsArb }, { noNullPrototype: true })),
  })
  .map(({ method, secretHashes, jwks, jwksUri, grantTypes, ...r }) => {
    const secretBased = method === 'client_secret_basic' || method === 'client_secret_post' || method === 'client_secret_jwt';
    const keyBased = method === 'private_key_jwt';
    return withoutUndefined<Client>({
      ...r,
      tokenEndpointAuthMethod: method,
      secretHashes: secretBased ? secretHashes : [],
      grantTypes: method === 'none' ? grantTypes.filter((g) => g !== 'client_credentials') : grantTypes,
      responseTypes: grantTypes.includes('authorization_code') ? ['code'] : [],
      jwks: keyBased && jwksUri === undefined ? { keys: jwks } : undefined,
      jwksUri: keyBased ? jwksUri : undefined,
    });
  });

/**
 * RFC 7591 §2 client metadata as a registration request or a seed file carries it (snake_case JSON). Mostly valid;
 * pass `{ invalid: true }` for a mix that also contains wrong types and unknown values, to test the decoder's errors.
 */
export const clientMetadataArb = (options: { readonly invalid?: boolean } = {}): fc.Arbitrary<Readonly<Record<string, unknown>>> => {
  const valid = fc
    .record(
      {
        client_id: clientIdArb,
        client_name: fc.string({ minLength: 1, maxLength: 40 }),
        redirect_uris: fc.uniqueArray(redirectUriArb, { minLength: 1, maxLength: 3 }),
        post_logout_redirect_uris: fc.uniqueArray(redirectUriArb, { maxLength: 2 }),
        grant_types: fc.subarray(['authorization_code', 'refresh_token', 'client_credentials', 'urn:ietf:params:oauth:grant-type:device_code'], {
          minLength: 1,
        }),
        response_types: fc.constant(['code']),
        token_endpoint_auth_method: fc.constantFrom(...authMethods),
        scope: scopeArb({ minLength: 1 }).map((s) => s.join(' ')),
        client_secret: hashArb,
        jwks_uri: fc.webUrl({ validSchemes: ['https'] }),
        contacts: fc.array(fc.emailAddress(), { maxLength: 2 }),
      },
      { requiredKeys: ['client_id', 'redirect_uris'] },
    )
    .map((m): Readonly<Record<string, unknown>> => m);
  if (options.invalid !== true) return valid;
  const junk = fc.oneof(fc.constant(null), fc.integer(), fc.string(), fc.array(fc.integer(), { maxLength: 2 }), fc.object({ maxDepth: 1 }));
  const field = fc.constantFrom('client_id', 'redirect_uris', 'grant_types', 'response_types', 'token_endpoint_auth_method', 'scope', 'jwks', 'jwks_uri');
  return fc.tuple(valid, fc.dictionary(field, junk, { minKeys: 1, maxKeys: 3 })).map(([m, broken]) => ({ ...m, ...broken }));
};
