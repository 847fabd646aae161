import { runStoreContract } from '@grantor/testkit';
import { openSqlStore } from './index.js';
import { createPostgresSchema, describeWithDatabase, postgresProblem } from './test/databases.js';

const problem = await postgresProblem();

describeWithDatabase('postgres', problem, () => {
  // One schema per test run (`grantor_test_<random>`), dropped afterwards.
  runStoreContract(
    'sql: postgres',
    async () => {
      const { url, drop } = await createPostgresSchema();
      const store = await openSqlStore(url);
      return {
        ...store,
        cleanup: async () => {
          await store.close();
          await drop();
        },
      };
    },
    { isolation: 'suite' },
  );
});
