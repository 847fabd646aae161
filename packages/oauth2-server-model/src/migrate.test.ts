import { describe, expect, it } from 'vitest';
import { clientFromMetadata, createAuthorizationServer } from '@grantor/core';
import { nodeRuntime } from '@grantor/node';
import { createMemoryStore } from '@grantor/store-memory';
import { conformanceSeed } from '@grantor/testkit';
import { clientMetadataOf, refreshTokenRecordOf } from './migrate.js';
import { callModel } from './model.js';
import { createModelAuthorizationServer } from './store.js';
import { memoryModel } from './test/memory-model.js';
import { basic, bodyOf, codeFor, seedClients, seedUsers, tokenRequest } from './test/fixture.js';

const issuer = 'http://127.0.0.1/oauth';
const seed = conformanceSeed;
const confidential = basic(seed.confidential.clientId, seed.confidential.secret);
const runtime = nodeRuntime({ logger: { log: () => undefined } });

describe('moving from the model onto a Grantor store', () => {
  it('exported clients authenticate on the native store, and a refresh token the model issued keeps working there', async () => {
    const m = memoryModel(seedClients(), seedUsers());
    const before = createModelAuthorizationServer({ issuer, scopesSupported: ['offline_access', 'read', 'write'] }, m.model, { runtime });
    const verifier = 'm'.repeat(43);
    const code = await codeFor(before, seed.confidential, 'offline_access read', verifier);
    const issued = bodyOf(await before.handle(tokenRequest(before, { grant_type: 'authorization_code', code, redirect_uri: seed.confidential.redirectUri, code_verifier: verifier }, confidential)));

    // The export: clients (with the secrets from the model's own table) and the live refresh tokens.
    const native = createMemoryStore();
    for (const c of seedClients()) {
      const client = await callModel(m.model, 'getClient', c.id, null);
      if (!client) throw new Error(`no client ${c.id}`);
      await native.clients.save(clientFromMetadata(clientMetadataOf(client, c.secret === undefined ? {} : { secret: c.secret }), runtime.secrets.hash))();
    }
    for (const token of m.refreshTokens.values()) {
      await native.refreshTokens.save(refreshTokenRecordOf(token, { hash: runtime.secrets.hash, grantId: runtime.random.token(16), now: runtime.clock.now() }))();
    }

    const after = createAuthorizationServer({ issuer, scopesSupported: ['offline_access', 'read', 'write'], grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'] }, { ...runtime, ...native });
    const cc = await after.handle(tokenRequest(after, { grant_type: 'client_credentials', scope: 'read' }, confidential));
    expect(cc.status).toBe(200);
    const wrong = await after.handle(tokenRequest(after, { grant_type: 'client_credentials' }, basic(seed.confidential.clientId, 'wrong')));
    expect(bodyOf(wrong)['error']).toBe('invalid_client');
    const refreshed = await after.handle(tokenRequest(after, { grant_type: 'refresh_token', refresh_token: String(issued['refresh_token']) }, confidential));
    expect({ status: refreshed.status, scope: bodyOf(refreshed)['scope'] }).toEqual({ status: 200, scope: 'offline_access read' });
  });
});
