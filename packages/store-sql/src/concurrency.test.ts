/**
 * Races and faults against real servers, with two separate pools (as two server processes would have):
 * single use under 50-way concurrency, and a connection killed in the middle of a refresh-token rotation.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import * as O from 'fp-ts/lib/Option.js';
import pg from 'pg';
import type { Connection as MysqlConnection } from 'mysql2/promise';
import type { RefreshTokenRecord } from '@grantor/core/extend';
import { createSqlStore, migrations, openSqlStore, type SqlStore } from './index.js';
import {
  createMysqlDatabase,
  createPostgresSchema,
  describeWithDatabase,
  mysqlConnection,
  mysqlProblem,
  postgresProblem,
  postgresUrl,
  uniqueName,
} from './test/databases.js';

const t0 = 1_800_000_000;
const n = 50;
const hash = (): string => `${uniqueName()}${'x'.repeat(20)}`;

const refresh = (o: Partial<RefreshTokenRecord> = {}): RefreshTokenRecord => ({
  tokenHash: hash(),
  grantId: uniqueName(),
  clientId: 'client',
  subject: 'alice',
  scope: ['read'],
  grantedScope: ['read'],
  issuedAt: t0,
  expiresAt: t0 + 3600,
  ...o,
});

const ok = async <A>(te: () => Promise<E.Either<{ readonly detail: string }, A>>): Promise<A> => {
  const r = await te();
  if (E.isLeft(r)) throw new Error(r.left.detail);
  return r.right;
};

const eventually = async <A>(probe: () => Promise<A | undefined>, what: string): Promise<A> => {
  for (let i = 0; i < 250; i++) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`never saw ${what}`);
};

/** What differs between servers: opening a side connection that holds a conflicting insert, and killing a backend. */
interface Backend {
  readonly name: string;
  readonly problem: string | undefined;
  readonly create: () => Promise<{ readonly url: string; readonly drop: () => Promise<void>; readonly side: () => Promise<Side> }>;
}
interface Side {
  readonly query: (sqlText: string, params?: readonly unknown[]) => Promise<readonly Record<string, unknown>[]>;
  /** Waits for a backend blocked behind this side connection and kills it. */
  readonly killBlockedBehindMe: () => Promise<void>;
  readonly close: () => Promise<void>;
  /** Placeholder syntax. */
  readonly p: (i: number) => string;
}

const postgres: Backend = {
  name: 'postgres',
  problem: await postgresProblem(),
  create: async () => {
    const { url, schema, drop } = await createPostgresSchema();
    const side = async (): Promise<Side> => {
      const client = new pg.Client({ connectionString: postgresUrl, options: `-c search_path=${schema}` });
      client.on('error', () => undefined);
      await client.connect();
      const query = async (text: string, params: readonly unknown[] = []) => (await client.query(text, [...params])).rows as Record<string, unknown>[];
      return {
        query,
        p: (i) => `$${i}`,
        killBlockedBehindMe: async () => {
          const me = Number((await query('select pg_backend_pid() as pid'))[0]?.['pid']);
          const admin = new pg.Client({ connectionString: postgresUrl });
          await admin.connect();
          try {
            const victim = await eventually(async () => (await admin.query('select pid from pg_stat_activity where $1 = any(pg_blocking_pids(pid))', [me])).rows[0]?.pid as number | undefined, 'a blocked backend');
            await admin.query('select pg_terminate_backend($1)', [victim]);
          } finally {
            await admin.end();
          }
        },
        close: () => client.end(),
      };
    };
    return { url, drop, side };
  },
};

const mariadb: Backend = {
  name: 'mariadb',
  problem: await mysqlProblem(),
  create: async () => {
    const { url, database, drop } = await createMysqlDatabase();
    const side = async (): Promise<Side> => {
      const conn: MysqlConnection = await mysqlConnection(url);
      conn.on('error', () => undefined);
      const query = async (text: string, params: readonly unknown[] = []) => {
        const [rows] = await conn.query(text, [...params]);
        return (Array.isArray(rows) ? rows : []) as Record<string, unknown>[];
      };
      return {
        query,
        p: () => '?',
        killBlockedBehindMe: async () => {
          const me = Number((await query('select connection_id() as id'))[0]?.['id']);
          const admin = await mysqlConnection(url);
          try {
            const victim = await eventually(async () => {
              const [rows] = await admin.query(
                "select id from information_schema.processlist where db = ? and id <> ? and info like 'insert into%grantor_refresh_tokens%'",
                [database, me],
              );
              return (rows as { id: number }[])[0]?.id;
            }, 'a blocked connection');
            await admin.query(`kill ${Number(victim)}`);
          } finally {
            await admin.end();
          }
        },
        close: () => conn.end(),
      };
    };
    return { url, drop, side };
  },
};

for (const backend of [postgres, mariadb]) {
  describeWithDatabase(`concurrency and faults: ${backend.name}`, backend.problem, () => {
    let env: Awaited<ReturnType<Backend['create']>>;
    let a: SqlStore;
    let b: SqlStore;
    const either = (i: number): SqlStore => (i % 2 === 0 ? a : b);

    beforeAll(async () => {
      env = await backend.create();
      a = await openSqlStore(env.url);
      b = createSqlStore({ db: { url: env.url } });
    });
    afterAll(async () => {
      await a?.close();
      await b?.close();
      await env?.drop();
    });

    it(`${n} concurrent redemptions of one code from 2 pools: exactly one succeeds`, async () => {
      const codeHash = hash();
      await ok(a.authorizationCodes.save({ codeHash, grantId: uniqueName(), clientId: 'c', redirectUri: 'https://c.example/cb', subject: 'alice', scope: ['openid'], issuedAt: t0, expiresAt: t0 + 60 }));
      const results = await Promise.all(Array.from({ length: n }, (_, i) => ok(either(i).authorizationCodes.redeem(codeHash, t0 + 1 + i))));
      expect(results.filter((r) => r._tag === 'Consumed')).toHaveLength(1);
      expect(results.filter((r) => r._tag === 'AlreadyConsumed')).toHaveLength(n - 1);
    });

    it(`${n} concurrent rotations of one refresh token from 2 pools: one rotation, a consistent family`, async () => {
      const old = refresh();
      await ok(a.refreshTokens.save(old));
      const successors = Array.from({ length: n }, () => refresh({ grantId: old.grantId, issuedAt: t0 + 10 }));
      const results = await Promise.all(successors.map((s, i) => ok(either(i).refreshTokens.rotate(old.tokenHash, s, t0 + 10))));
      expect(results.filter((r) => r._tag === 'Rotated')).toHaveLength(1);
      expect(results.filter((r) => r._tag === 'NotActive')).toHaveLength(n - 1);

      const family = await a.db.selectFrom('grantor_refresh_tokens').selectAll().where('grant_id', '=', old.grantId).execute();
      expect(family).toHaveLength(2);
      const oldRow = family.find((r) => r.token_hash === old.tokenHash);
      const newRow = family.find((r) => r.token_hash !== old.tokenHash);
      expect(oldRow?.successor_hash).toBe(newRow?.token_hash);
      expect(newRow?.rotated_at).toBeNull();
    });

    it('a connection killed in the middle of a rotation leaves the old state; a retry then rotates', async () => {
      const old = refresh();
      const successor = refresh({ grantId: old.grantId, issuedAt: t0 + 10 });
      await ok(a.refreshTokens.save(old));

      // A side transaction inserts the successor's key, uncommitted: the rotation updates the old row, then waits on
      // its own insert of the successor, inside its open transaction. That is when its connection is killed.
      const side = await env.side();
      try {
        await side.query('begin');
        await side.query(
          `insert into grantor_refresh_tokens (token_hash, grant_id, client_id, subject, scope, granted_scope, issued_at, expires_at) values (${side.p(1)}, 'blocker', 'c', 's', '', '', 0, 0)`,
          [successor.tokenHash],
        );
        const rotation = a.refreshTokens.rotate(old.tokenHash, successor, t0 + 10)();
        await side.killBlockedBehindMe();
        const outcome = await rotation;
        expect(E.isLeft(outcome) && outcome.left.transient).toBe(true);
        await side.query('rollback');
      } finally {
        await side.close();
      }

      // Old state: the presented token is untouched and no successor exists.
      expect(await ok(b.refreshTokens.find(old.tokenHash))).toStrictEqual(O.some(old));
      expect(await ok(b.refreshTokens.find(successor.tokenHash))).toEqual(O.none);

      // The pool dropped the dead connection: the client's retry rotates (new state, complete).
      expect(await ok(a.refreshTokens.rotate(old.tokenHash, successor, t0 + 11))).toStrictEqual({ _tag: 'Rotated', previous: old });
      expect(await ok(b.refreshTokens.find(old.tokenHash))).toStrictEqual(O.some({ ...old, rotatedAt: t0 + 11, successorHash: successor.tokenHash }));
      expect(await ok(b.refreshTokens.find(successor.tokenHash))).toStrictEqual(O.some(successor));
    });

    it('a statement stuck behind a row lock is cancelled by the server-side lock timeout: a transient StoreError, no effect', async () => {
      const codeHash = hash();
      await ok(a.authorizationCodes.save({ codeHash, grantId: uniqueName(), clientId: 'c', redirectUri: 'https://c.example/cb', subject: 'alice', scope: [], issuedAt: t0, expiresAt: t0 + 60 }));
      const impatient = createSqlStore({ db: { url: env.url, lockTimeoutMs: 300 }, serializationRetries: 1 });
      const side = await env.side();
      try {
        await side.query('begin');
        await side.query(`select code_hash from grantor_authorization_codes where code_hash = ${side.p(1)} for update`, [codeHash]);
        const outcome = await impatient.authorizationCodes.redeem(codeHash, t0 + 1)();
        expect(E.isLeft(outcome) && outcome.left.transient).toBe(true);
        await side.query('rollback');
      } finally {
        await side.close();
        await impatient.close();
      }
      // The cancelled redemption had no effect: the code is still redeemable, exactly once.
      expect((await ok(a.authorizationCodes.redeem(codeHash, t0 + 2)))._tag).toBe('Consumed');
    });

    it('an exhausted pool yields a transient StoreError instead of waiting forever', async () => {
      const tiny = createSqlStore({ db: { url: env.url, max: 1, connectTimeoutMs: 200 }, operationTimeoutMs: 500 });
      let release: () => void = () => undefined;
      const gate = new Promise<void>((r) => (release = r));
      let holding: () => void = () => undefined;
      const held = new Promise<void>((r) => (holding = r));
      // Hold the pool's only connection.
      const holder = tiny.db.connection().execute(async () => {
        holding();
        await gate;
      });
      try {
        await held;
        const outcome = await tiny.clients.find('anyone')();
        expect(E.isLeft(outcome) && outcome.left.transient).toBe(true);
      } finally {
        release();
        await holder;
        await tiny.close();
      }
    });

    it('the signing key set round-trips, one row per key, and save replaces the set', async () => {
      const key = (kid: string, status: 'next' | 'active' | 'retired') => ({
        kid,
        alg: 'ES256' as const,
        status,
        publicJwk: { kty: 'EC', crv: 'P-256', x: `x-${kid}`, y: `y-${kid}`, kid, alg: 'ES256', use: 'sig' },
        privateJwk: { kty: 'EC', crv: 'P-256', x: `x-${kid}`, y: `y-${kid}`, d: `d-${kid}` },
        createdAt: t0,
      });
      expect(await ok(a.keys.load())).toEqual(O.none);
      const first = { keys: [key('k1', 'active'), key('k2', 'next')] };
      await ok(a.keys.save(first));
      expect(await ok(b.keys.load())).toStrictEqual(O.some(first));
      const second = { keys: [{ ...key('k1', 'retired'), retiredAt: t0 + 5 }, key('k3', 'active')] };
      await ok(b.keys.save(second));
      expect(await ok(a.keys.load())).toStrictEqual(O.some(second));
    });

    it('migrating again, from two pools at once, applies nothing and records each migration once', async () => {
      const [x, y] = await Promise.all([a.migrate(), b.migrate()]);
      expect([...x.applied, ...y.applied]).toEqual([]);
      const rows = await a.db.selectFrom('grantor_migrations').select('id').execute();
      expect(rows.map((r) => r.id)).toEqual(migrations.map((m) => m.id));
    });

    it('two pools migrating a fresh database at once: one applies, the other finds it applied', async () => {
      const fresh = await backend.create();
      const [p, q] = [createSqlStore({ db: { url: fresh.url } }), createSqlStore({ db: { url: fresh.url } })];
      try {
        const [x, y] = await Promise.all([p.migrate(), q.migrate()]);
        expect([...x.applied, ...y.applied]).toEqual(migrations.map((m) => m.id));
        expect([...x.skipped, ...y.skipped]).toEqual(migrations.map((m) => m.id));
        expect(await ok(q.replay.remember('k', t0))).toBe(true);
      } finally {
        await p.close();
        await q.close();
        await fresh.drop();
      }
    });
  });
}
