/**
 * Test databases. PostgreSQL and MariaDB/MySQL tests run when the server is reachable; when it is not, they are
 * skipped with a message, unless `CI` is set: then they fail loudly.
 * URLs: GRANTOR_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test) and GRANTOR_TEST_MYSQL_URL
 * (default mysql://root@127.0.0.1:3306/test).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createConnection, type Connection as MysqlConnection } from 'mysql2/promise';
import { describe, it } from 'vitest';

export const postgresUrl = process.env['GRANTOR_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const mysqlUrl = process.env['GRANTOR_TEST_MYSQL_URL'] ?? 'mysql://root@127.0.0.1:3306/test';

export const uniqueName = (): string => `grantor_test_${randomBytes(6).toString('hex')}`;

const probe = async (connect: () => Promise<void>): Promise<string | undefined> => {
  try {
    await connect();
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message || String((e as { code?: unknown }).code) : String(e);
  }
};

export const postgresProblem = (): Promise<string | undefined> =>
  probe(async () => {
    const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 3000 });
    await client.connect();
    await client.end();
  });

export const mysqlProblem = (): Promise<string | undefined> =>
  probe(async () => {
    const c = await createConnection({ uri: mysqlUrl, connectTimeout: 3000 });
    await c.end();
  });

/**
 * `describe` when the database answered; otherwise a skipped suite with the reason (no CI) or a failing test (CI).
 */
export const describeWithDatabase = (name: string, problem: string | undefined, body: () => void): void => {
  if (problem === undefined) {
    describe(name, body);
    return;
  }
  if (process.env['CI'] !== undefined && process.env['CI'] !== '') {
    describe(name, () => {
      it('database is reachable (required in CI)', () => {
        throw new Error(`${name}: database unreachable in CI: ${problem}`);
      });
    });
    return;
  }
  console.warn(`[store-sql] skipping "${name}": database unreachable (${problem}); set CI to make this a failure.`);
  describe.skip(name, body);
};

/** A fresh PostgreSQL schema; its URL carries `?schema=` so every pool of the store uses it. */
export const createPostgresSchema = async (): Promise<{ readonly url: string; readonly schema: string; readonly drop: () => Promise<void> }> => {
  const schema = uniqueName();
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const url = new URL(postgresUrl);
  url.searchParams.set('schema', schema);
  return {
    url: url.toString(),
    schema,
    drop: async () => {
      const c = new pg.Client({ connectionString: postgresUrl });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    },
  };
};

/** A fresh MySQL/MariaDB database. */
export const createMysqlDatabase = async (): Promise<{ readonly url: string; readonly database: string; readonly drop: () => Promise<void> }> => {
  const database = uniqueName();
  const admin = await createConnection({ uri: mysqlUrl });
  await admin.query(`create database ${database}`);
  await admin.end();
  const url = new URL(mysqlUrl);
  url.pathname = `/${database}`;
  return {
    url: url.toString(),
    database,
    drop: async () => {
      const c = await createConnection({ uri: mysqlUrl });
      await c.query(`drop database if exists ${database}`);
      await c.end();
    },
  };
};

export const mysqlConnection = (url: string): Promise<MysqlConnection> => createConnection({ uri: url });
