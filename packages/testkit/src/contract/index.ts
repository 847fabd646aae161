/**
 * The store port contract: the behaviour every implementation of `@grantor/core`'s store ports must have. Call
 * `runStoreContract` from a vitest test file with a factory of fresh stores.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe } from 'vitest';
import type { ContractContext, StoreContractOptions, StorePorts, StoreUnderTest } from './harness.js';
import { accessTokenContract, authorizationCodeContract, refreshTokenContract } from './tokens.js';
import { clientContract, consentContract, deviceCodeContract, interactionContract, replayContract } from './sessions.js';
import { sweepContract } from './sweep.js';
import { concurrencyContract } from './concurrency.js';
import { grantRevocationContract } from './grant-revocation.js';
import { keyStoreContract } from './keys.js';
import { clientSecretJwtKeysContract } from './client-secret-jwt-keys.js';
import { accountTokenContract, userStoreContract } from './users.js';
import { loginSessionContract } from './login-sessions.js';
import { registeredClientsContract } from './registered-clients.js';
import { pushedRequestContract } from './pushed-requests.js';
import { adminContract } from './admin.js';
import { tokenUsageContract } from './token-usage.js';
import { registryContract } from './registry.js';

export type { StorePorts, StoreUnderTest, StoreContractOptions, ContractContext } from './harness.js';
export { ok as runStoreTask } from './harness.js';

/**
 * Registers the contract suite `store contract: <name>` with vitest. `makeStore` is called for every test (or once,
 * with `isolation: 'suite'`) and must return an empty, or at least isolated, store; its `cleanup` runs afterwards.
 */
export const runStoreContract = (name: string, makeStore: () => Promise<StoreUnderTest>, options: StoreContractOptions = {}): void => {
  const isolation = options.isolation ?? 'test';
  let current: StoreUnderTest | undefined;
  const open = async () => {
    current = await makeStore();
  };
  const close = async () => {
    const store = current;
    current = undefined;
    await store?.cleanup?.();
  };
  const ctx: ContractContext = {
    store: (): StorePorts => {
      if (current === undefined) throw new Error('store contract: no store (makeStore failed or was not awaited)');
      return current;
    },
    isolation,
    concurrency: options.concurrency ?? 50,
    numRuns: options.numRuns ?? 25,
  };

  describe(`store contract: ${name}`, () => {
    if (isolation === 'test') {
      beforeEach(open);
      afterEach(close);
    } else {
      beforeAll(open);
      afterAll(close);
    }
    clientContract(ctx);
    authorizationCodeContract(ctx);
    accessTokenContract(ctx);
    refreshTokenContract(ctx);
    consentContract(ctx);
    interactionContract(ctx);
    deviceCodeContract(ctx);
    replayContract(ctx);
    keyStoreContract(ctx);
    clientSecretJwtKeysContract(ctx);
    userStoreContract(ctx);
    accountTokenContract(ctx);
    loginSessionContract(ctx);
    registeredClientsContract(ctx);
    pushedRequestContract(ctx);
    adminContract(ctx);
    tokenUsageContract(ctx);
    registryContract(ctx);
    sweepContract(ctx);
    concurrencyContract(ctx);
    grantRevocationContract(ctx);
  });
};
