import { lifecycleModelSuite } from '@grantor/testkit';
import { createMemoryStore } from './index.js';

lifecycleModelSuite('memory', async () => createMemoryStore(), { numRuns: 200 });
lifecycleModelSuite('memory (one store for every run, sweep batches of 1)', async () => createMemoryStore({ sweepBatchSize: 1 }), { numRuns: 50, isolation: 'suite' });
