/**
 * An oauth2-server model on PostgreSQL through `pg`, written from the model specification (for tests): one schema per
 * suite, clear client secrets and passwords (a real model hashes passwords). Single use is the database's: revoking a
 * code is a `DELETE`, revoking a refresh token an `UPDATE … WHERE refresh_token = $1`, each `true` only when it
 * changed a row.
 */
import pg from 'pg';
import type { ModelAuthorizationCode, ModelClient, ModelRefreshToken, ModelToken, ModelUser, NewAuthorizationCode, NewToken, OAuth2ServerModel } from '../model.js';
import type { SeedClient, SeedUser } from './memory-model.js';

const postgresUrl = process.env['GRANTOR_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface PgModel {
  readonly model: OAuth2ServerModel;
  readonly pool: pg.Pool;
  readonly close: () => Promise<void>;
}

const ident = (schema: string): string => {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new TypeError(`bad schema name ${schema}`);
  return schema;
};

/** Creates `schema` afresh (dropping an old one), seeds it, and returns the model over it. */
export const pgModel = async (schema: string, clients: readonly SeedClient[], users: readonly SeedUser[]): Promise<PgModel> => {
  const s = ident(schema);
  const pool = new pg.Pool({ connectionString: postgresUrl, max: 5 });
  await pool.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  await pool.query(`CREATE SCHEMA ${s}`);
  await pool.query(`
    CREATE TABLE ${s}.clients (id text PRIMARY KEY, secret text, redirect_uris text[] NOT NULL, grants text[] NOT NULL, scopes text[] NOT NULL);
    CREATE TABLE ${s}.users (id text PRIMARY KEY, username text NOT NULL UNIQUE, password text NOT NULL);
    CREATE TABLE ${s}.tokens (
      access_token text PRIMARY KEY, access_token_expires_at timestamptz NOT NULL,
      refresh_token text UNIQUE, refresh_token_expires_at timestamptz,
      scope text[] NOT NULL, client_id text NOT NULL REFERENCES ${s}.clients(id), user_id text);
    CREATE TABLE ${s}.codes (
      code text PRIMARY KEY, expires_at timestamptz NOT NULL, redirect_uri text NOT NULL, scope text[] NOT NULL,
      client_id text NOT NULL REFERENCES ${s}.clients(id), user_id text NOT NULL, code_challenge text, code_challenge_method text);
  `);
  for (const c of clients) {
    await pool.query(`INSERT INTO ${s}.clients VALUES ($1, $2, $3, $4, $5)`, [c.id, c.secret ?? null, c.redirectUris, c.grants, c.scopes]);
  }
  for (const u of users) await pool.query(`INSERT INTO ${s}.users VALUES ($1, $2, $3)`, [u.id, u.username, u.password]);

  const clientOf = (row: { id: string; redirect_uris: string[]; grants: string[]; scopes: string[] }): ModelClient => ({
    id: row.id,
    redirectUris: row.redirect_uris,
    grants: row.grants,
    scopes: row.scopes,
  });
  const client = async (id: string): Promise<ModelClient | null> => {
    const { rows } = await pool.query(`SELECT * FROM ${s}.clients WHERE id = $1`, [id]);
    return rows[0] === undefined ? null : clientOf(rows[0]);
  };
  const user = (id: string | null): ModelUser => (id === null ? {} : { id });
  const userId = (u: ModelUser): string | null => (typeof u['id'] === 'string' ? u['id'] : null);
  const list = (scope: unknown): string[] => (Array.isArray(scope) ? scope.map(String) : typeof scope === 'string' ? scope.split(' ').filter((x) => x !== '') : []);

  const model = {
    async getClient(clientId: string, clientSecret: string | null) {
      const { rows } = await pool.query(
        clientSecret === null ? `SELECT * FROM ${s}.clients WHERE id = $1` : `SELECT * FROM ${s}.clients WHERE id = $1 AND secret = $2`,
        clientSecret === null ? [clientId] : [clientId, clientSecret],
      );
      return rows[0] === undefined ? null : clientOf(rows[0]);
    },
    async saveToken(token: NewToken, c: ModelClient, u: ModelUser): Promise<ModelToken> {
      await pool.query(`INSERT INTO ${s}.tokens VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
        token.accessToken,
        token.accessTokenExpiresAt,
        token.refreshToken ?? null,
        token.refreshTokenExpiresAt ?? null,
        list(token.scope),
        c.id,
        userId(u),
      ]);
      return { ...token, client: c, user: u };
    },
    async getAccessToken(accessToken: string): Promise<ModelToken | null> {
      const { rows } = await pool.query(`SELECT * FROM ${s}.tokens WHERE access_token = $1`, [accessToken]);
      const row = rows[0];
      const c = row === undefined ? null : await client(row.client_id);
      return row === undefined || c === null
        ? null
        : { accessToken: row.access_token, accessTokenExpiresAt: row.access_token_expires_at, scope: row.scope, client: c, user: user(row.user_id) };
    },
    async verifyScope(token: ModelToken, scope: unknown) {
      return list(scope).every((x) => list(token.scope).includes(x));
    },
    async getRefreshToken(refreshToken: string): Promise<ModelRefreshToken | null> {
      const { rows } = await pool.query(`SELECT * FROM ${s}.tokens WHERE refresh_token = $1`, [refreshToken]);
      const row = rows[0];
      const c = row === undefined ? null : await client(row.client_id);
      return row === undefined || c === null
        ? null
        : { refreshToken: row.refresh_token, refreshTokenExpiresAt: row.refresh_token_expires_at, scope: row.scope, client: c, user: user(row.user_id) };
    },
    async revokeToken(token: ModelRefreshToken) {
      const result = await pool.query(`UPDATE ${s}.tokens SET refresh_token = NULL WHERE refresh_token = $1`, [token.refreshToken]);
      return result.rowCount === 1;
    },
    async saveAuthorizationCode(code: NewAuthorizationCode, c: ModelClient, u: ModelUser): Promise<ModelAuthorizationCode> {
      await pool.query(`INSERT INTO ${s}.codes VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, [
        code.authorizationCode,
        code.expiresAt,
        code.redirectUri,
        list(code.scope),
        c.id,
        userId(u),
        code.codeChallenge ?? null,
        code.codeChallengeMethod ?? null,
      ]);
      return { ...code, client: c, user: u };
    },
    async getAuthorizationCode(code: string): Promise<ModelAuthorizationCode | null> {
      const { rows } = await pool.query(`SELECT * FROM ${s}.codes WHERE code = $1`, [code]);
      const row = rows[0];
      const c = row === undefined ? null : await client(row.client_id);
      if (row === undefined || c === null) return null;
      return {
        authorizationCode: row.code,
        expiresAt: row.expires_at,
        redirectUri: row.redirect_uri,
        scope: row.scope,
        client: c,
        user: user(row.user_id),
        ...(row.code_challenge === null ? {} : { codeChallenge: row.code_challenge, codeChallengeMethod: row.code_challenge_method }),
      };
    },
    async revokeAuthorizationCode(code: ModelAuthorizationCode) {
      const result = await pool.query(`DELETE FROM ${s}.codes WHERE code = $1`, [code.authorizationCode]);
      return result.rowCount === 1;
    },
    async getUser(username: string, password: string) {
      const { rows } = await pool.query(`SELECT id, username FROM ${s}.users WHERE lower(username) = lower($1) AND password = $2`, [username, password]);
      return rows[0] === undefined ? null : { id: rows[0].id, username: rows[0].username };
    },
    async getUserFromClient() {
      return {};
    },
    async validateScope(_u: ModelUser, c: ModelClient, scope: unknown) {
      const allowed = list(c['scopes']);
      if (scope === undefined) return allowed.filter((x) => x !== 'openid' && x !== 'offline_access');
      return list(scope).every((x) => allowed.includes(x)) ? list(scope) : false;
    },
  };
  return {
    model,
    pool,
    close: async () => {
      await pool.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
      await pool.end();
    },
  };
};
