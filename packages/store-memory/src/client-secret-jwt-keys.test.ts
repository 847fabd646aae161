import { describe, expect, it } from 'vitest';
import * as O from 'fp-ts/lib/Option.js';
import type { Client } from '@grantor/core';
import { runStoreTask as ok } from '@grantor/testkit';
import { createMemoryStore } from './index.js';

const client = (clientId: string, method: Client['tokenEndpointAuthMethod']): Client => ({
  clientId,
  secretHashes: [],
  redirectUris: [],
  postLogoutRedirectUris: [],
  grantTypes: ['client_credentials'],
  responseTypes: [],
  scope: [],
  tokenEndpointAuthMethod: method,
});

describe('memory clientSecretJwtKeys (RFC 7523 §2.2 HMAC keys)', () => {
  it('keeps, replaces and forgets the secret of a client_secret_jwt client', async () => {
    const { clientSecretJwtKeys: keys } = createMemoryStore();
    const hmac = client('hmac', 'client_secret_jwt');
    expect(await ok(keys.secretFor(hmac))).toEqual(O.none);
    await ok(keys.save('hmac', 'one'));
    await ok(keys.save('hmac', 'two'));
    expect(await ok(keys.secretFor(hmac))).toEqual(O.some('two'));
    await ok(keys.remove('hmac'));
    expect(await ok(keys.secretFor(hmac))).toEqual(O.none);
  });

  it('answers None for a client registered with another method, even with a saved secret', async () => {
    const { clientSecretJwtKeys: keys } = createMemoryStore();
    await ok(keys.save('basic', 'left-behind'));
    expect(await ok(keys.secretFor(client('basic', 'client_secret_basic')))).toEqual(O.none);
  });
});
