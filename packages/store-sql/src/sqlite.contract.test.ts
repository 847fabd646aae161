import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runStoreContract } from '@grantor/testkit';
import { openSqlStore } from './index.js';

runStoreContract('sql: sqlite :memory:', async () => {
  const store = await openSqlStore({ sqliteFile: ':memory:' });
  return { ...store, cleanup: store.close };
});

runStoreContract(
  'sql: sqlite file (sweep batches of 2)',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'grantor-sqlite-'));
    const store = await openSqlStore({ sqliteFile: join(dir, 'grantor.sqlite') }, { sweepBatchSize: 2, sweepMaxBatches: 3 });
    return {
      ...store,
      cleanup: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
  { isolation: 'suite' },
);
