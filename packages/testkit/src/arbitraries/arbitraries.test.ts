import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeClientMetadata, isSubset, parseScope } from '@grantor/core/extend';
import {
  accessTokenRecordArb,
  authorizationCodeRecordArb,
  clientArb,
  clientMetadataArb,
  deviceCodeRecordArb,
  httpRequestArb,
  interactionRecordArb,
  refreshTokenRecordArb,
  scopeArb,
  tokenLifecycleArb,
} from './index.js';

const noUndefinedMembers = (o: object) => Object.values(o).every((v) => v !== undefined);

describe('record arbitraries', () => {
  it('scopes are RFC 6749 §3.3 scope tokens without duplicates', () => {
    fc.assert(fc.property(scopeArb(), (scope) => {
      expect(parseScope(scope.join(' '))).toEqual(scope);
    }));
  });

  it('records expire after they are issued and carry no undefined members', () => {
    fc.assert(
      fc.property(authorizationCodeRecordArb(), accessTokenRecordArb(), refreshTokenRecordArb(), deviceCodeRecordArb(), interactionRecordArb(), (c, a, r, d, i) => {
        for (const rec of [c, a, r, d]) expect(rec.expiresAt).toBeGreaterThan(rec.issuedAt);
        expect(i.expiresAt).toBeGreaterThan(i.createdAt);
        for (const rec of [c, a, r, d, i]) expect(noUndefinedMembers(rec)).toBe(true);
        expect(c.redeemedAt).toBeUndefined();
        expect(r.rotatedAt ?? r.revokedAt).toBeUndefined();
        expect(d.status).toBe('pending');
        expect(i.kind === 'device_code').toBe(i.userCodeHash !== undefined);
      }),
    );
  });

  it('refresh token scope stays within the granted scope', () => {
    fc.assert(fc.property(refreshTokenRecordArb(), (r) => {
      expect(isSubset(r.scope, r.grantedScope)).toBe(true);
    }));
  });

  it('pins issuedAt when asked', () => {
    fc.assert(fc.property(authorizationCodeRecordArb({ issuedAt: 1234 }), (c) => {
      expect(c.issuedAt).toBe(1234);
    }));
  });
});

describe('client arbitraries', () => {
  it('clients hold secrets exactly when they authenticate with one', () => {
    fc.assert(
      fc.property(clientArb, (c) => {
        const secretBased = ['client_secret_basic', 'client_secret_post', 'client_secret_jwt'].includes(c.tokenEndpointAuthMethod);
        expect(c.secretHashes.length > 0).toBe(secretBased);
        expect(c.redirectUris.length).toBeGreaterThan(0);
        if (c.tokenEndpointAuthMethod === 'private_key_jwt') expect(c.jwks !== undefined || c.jwksUri !== undefined).toBe(true);
        expect(noUndefinedMembers(c)).toBe(true);
      }),
    );
  });

  it('RFC 7591 metadata always names the client and its redirect URIs unless asked for invalid input', () => {
    fc.assert(fc.property(clientMetadataArb(), (m) => {
      expect(Array.isArray(m['redirect_uris']) && typeof m['client_id'] === 'string').toBe(true);
    }));
  });

  it('invalid RFC 7591 metadata is refused by the decoder, with a message for each member it breaks', () => {
    // what `{ invalid: true }` is for: inputs for a decoder's errors. Nearly all of them must be refused (a few
    // junk values happen to be valid, e.g. a string `scope`), and between them they must break every member listed.
    const samples = fc.sample(clientMetadataArb({ invalid: true }), { numRuns: 1000, seed: 20261123 });
    const refusedMembers = new Set<string>();
    let refused = 0;
    for (const m of samples) {
      const decoded = decodeClientMetadata(m, (secret) => secret);
      if (decoded._tag === 'Right') continue;
      refused += 1;
      refusedMembers.add(decoded.left.slice(0, decoded.left.indexOf(':')));
    }
    expect(refused).toBeGreaterThan(samples.length * 0.9);
    for (const member of ['client_id', 'redirect_uris', 'grant_types', 'response_types', 'token_endpoint_auth_method', 'scope', 'jwks', 'jwks_uri']) {
      expect(refusedMembers, member).toContain(member);
    }
  });
});

describe('lifecycle and HTTP arbitraries', () => {
  it('lifecycles start by issuing a code', () => {
    fc.assert(fc.property(tokenLifecycleArb(), (events) => {
      expect(events[0]?._tag).toBe('IssueCode');
    }));
  });

  it('requests have lower-case header names and paths starting with a slash', () => {
    fc.assert(
      fc.property(httpRequestArb(), (r) => {
        expect(r.path.startsWith('/')).toBe(true);
        for (const name of Object.keys(r.headers)) expect(name).toBe(name.toLowerCase());
        expect(r.body === undefined || r.body instanceof Uint8Array).toBe(true);
      }),
    );
  });
});
