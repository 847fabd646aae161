import { runStoreContract } from '@grantor/testkit';
import { openSqlStore } from './index.js';
import { createMysqlDatabase, describeWithDatabase, mysqlProblem } from './test/databases.js';

const problem = await mysqlProblem();

describeWithDatabase('mariadb/mysql', problem, () => {
  // One database per test run (`grantor_test_<random>`), dropped afterwards.
  runStoreContract(
    'sql: mariadb/mysql',
    async () => {
      const { url, drop } = await createMysqlDatabase();
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
