import { runStoreContract } from '@grantor/testkit';
import { createMemoryStore } from './index.js';

runStoreContract('memory', async () => createMemoryStore());

// Small sweep batches exercise the bounded sweep: the contract sweeps until a call removes nothing.
runStoreContract('memory (sweep batches of 1)', async () => createMemoryStore({ sweepBatchSize: 1 }), { isolation: 'suite' });
