import * as O from 'fp-ts/lib/Option.js';
import { sql, type SqlBool } from 'kysely';
import type { AccountTokenPurpose, AccountTokenRecord, AccountTokenStore, ConsumeOutcome, UserAccount, UserStore } from '@grantor/core/extend';
import type { SqlContext } from '../context.js';
import { epoch } from '../rows.js';
import type { NewRow, Row } from '../schema.js';

/** MySQL ER_DUP_ENTRY. */
const duplicateKey = (e: unknown): boolean => (e as { errno?: unknown } | null)?.errno === 1062;

const toRow = (a: UserAccount): NewRow<'grantor_users'> => ({
  subject: a.subject,
  username: a.username,
  email: a.email ?? null,
  email_verified: a.emailVerified ? 1 : 0,
  password_hash: a.passwordHash,
  claims: JSON.stringify(a.claims),
  disabled: a.disabled ? 1 : 0,
  origin: a.origin,
  created_at: epoch(a.createdAt),
  last_login_at: a.lastLoginAt === undefined ? null : epoch(a.lastLoginAt),
  is_admin: a.admin === true ? 1 : 0,
});

/** `LIKE` pattern for a substring, with `!` escaping the pattern's own wildcards (the same in all three dialects). */
const containing = (text: string): string => `%${text.replace(/[!%_]/g, (c) => `!${c}`)}%`;

const fromRow = (r: Row<'grantor_users'>): UserAccount => ({
  subject: r.subject,
  username: r.username,
  ...(r.email === null ? {} : { email: r.email }),
  emailVerified: Number(r.email_verified) === 1,
  passwordHash: r.password_hash,
  claims: JSON.parse(r.claims) as Readonly<Record<string, unknown>>,
  disabled: Number(r.disabled) === 1,
  origin: r.origin,
  createdAt: Number(r.created_at),
  ...(r.last_login_at === null ? {} : { lastLoginAt: Number(r.last_login_at) }),
  ...(Number(r.is_admin) === 1 ? { admin: true } : {}),
});

/**
 * The `UserStore` port on SQL (`grantor_users`, migration `0007_users`). `create` inserts only when neither the
 * subject nor the username exists: the database's unique keys decide between concurrent sign-ups.
 */
export const sqlUserStore = ({ db, dialect, run, transaction }: SqlContext): UserStore => ({
  findBySubject: (subject) =>
    run('users.findBySubject', async () => {
      const row = await db.selectFrom('grantor_users').selectAll().where('subject', '=', subject).executeTakeFirst();
      return row === undefined ? O.none : O.some(fromRow(row));
    }),
  findByUsername: (username) =>
    run('users.findByUsername', async () => {
      const row = await db.selectFrom('grantor_users').selectAll().where('username', '=', username).executeTakeFirst();
      return row === undefined ? O.none : O.some(fromRow(row));
    }),
  findByEmail: (email) =>
    run('users.findByEmail', async () => (await db.selectFrom('grantor_users').selectAll().where('email', '=', email).execute()).map(fromRow)),
  create: (account) =>
    run('users.create', async () => {
      const insert = db.insertInto('grantor_users').values(toRow(account));
      if (dialect === 'mysql') {
        try {
          await insert.execute();
          return { _tag: 'Created' as const };
        } catch (e) {
          if (duplicateKey(e)) return { _tag: 'Taken' as const };
          throw e;
        }
      }
      const r = await insert.onConflict((oc) => oc.doNothing()).executeTakeFirst();
      return (r.numInsertedOrUpdatedRows ?? 0n) > 0n ? { _tag: 'Created' as const } : { _tag: 'Taken' as const };
    }),
  save: (account) =>
    run('users.save', () =>
      transaction(async (trx) => {
        // The username moves to this subject: an older account holding it (another subject) is replaced.
        await trx.deleteFrom('grantor_users').where('username', '=', account.username).where('subject', '<>', account.subject).execute();
        await trx.deleteFrom('grantor_users').where('subject', '=', account.subject).execute();
        await trx.insertInto('grantor_users').values(toRow(account)).execute();
      }),
    ),
  update: (subject, change) =>
    run('users.update', async () => {
      const set = {
        ...('email' in change ? { email: change.email ?? null } : {}),
        ...(change.emailVerified === undefined ? {} : { email_verified: change.emailVerified ? 1 : 0 }),
        ...(change.passwordHash === undefined ? {} : { password_hash: change.passwordHash }),
        ...(change.claims === undefined ? {} : { claims: JSON.stringify(change.claims) }),
        ...(change.disabled === undefined ? {} : { disabled: change.disabled ? 1 : 0 }),
        ...(change.lastLoginAt === undefined ? {} : { last_login_at: epoch(change.lastLoginAt) }),
        ...(change.admin === undefined ? {} : { is_admin: change.admin ? 1 : 0 }),
      };
      if (Object.keys(set).length === 0) {
        return (await db.selectFrom('grantor_users').select('subject').where('subject', '=', subject).executeTakeFirst()) !== undefined;
      }
      const r = await db.updateTable('grantor_users').set(set).where('subject', '=', subject).executeTakeFirst();
      // MySQL counts only rows whose values changed: look the subject up when nothing changed.
      if (r.numUpdatedRows > 0n) return true;
      return (await db.selectFrom('grantor_users').select('subject').where('subject', '=', subject).executeTakeFirst()) !== undefined;
    }),
  list: (q) =>
    run('users.list', async () => {
      let query = db.selectFrom('grantor_users').selectAll();
      if (q.cursor !== undefined) query = query.where('username', '>', q.cursor);
      if (q.search !== undefined) {
        const pattern = containing(q.search);
        query = query.where((eb) => eb.or([sql<SqlBool>`username like ${pattern} escape '!'`, sql<SqlBool>`email like ${pattern} escape '!'`]));
      }
      const rows = await query.orderBy('username').limit(q.limit + 1).execute();
      const items = rows.slice(0, q.limit).map(fromRow);
      const last = items[items.length - 1];
      return { items, ...(rows.length > q.limit && last !== undefined ? { next: last.username } : {}) };
    }),
  remove: (subject) =>
    run('users.remove', async () => (await db.deleteFrom('grantor_users').where('subject', '=', subject).executeTakeFirst()).numDeletedRows > 0n),
});

const tokenFromRow = (r: Row<'grantor_account_tokens'>): AccountTokenRecord => ({
  tokenHash: r.token_hash,
  purpose: r.purpose as AccountTokenPurpose,
  subject: r.subject,
  email: r.email,
  issuedAt: Number(r.issued_at),
  expiresAt: Number(r.expires_at),
  ...(r.consumed_at === null ? {} : { consumedAt: Number(r.consumed_at) }),
});

/** Single-use account tokens on SQL (`grantor_account_tokens`): `consume` is `UPDATE … WHERE consumed_at IS NULL`. */
export const sqlAccountTokenStore = ({ db, run, transaction }: SqlContext): AccountTokenStore => ({
  save: (record) =>
    run('accountTokens.save', async () => {
      await db
        .insertInto('grantor_account_tokens')
        .values({
          token_hash: record.tokenHash,
          purpose: record.purpose,
          subject: record.subject,
          email: record.email,
          issued_at: epoch(record.issuedAt),
          expires_at: epoch(record.expiresAt),
          consumed_at: record.consumedAt === undefined ? null : epoch(record.consumedAt),
        })
        .execute();
    }),
  consume: (tokenHash, now) =>
    run('accountTokens.consume', () =>
      transaction(async (trx): Promise<ConsumeOutcome<AccountTokenRecord>> => {
        const r = await trx.updateTable('grantor_account_tokens').set({ consumed_at: epoch(now) }).where('token_hash', '=', tokenHash).where('consumed_at', 'is', null).executeTakeFirst();
        const row = await trx.selectFrom('grantor_account_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
        if (row === undefined) return { _tag: 'NotFound' };
        const record = tokenFromRow(row);
        if (r.numUpdatedRows > 0n) {
          const { consumedAt: _c, ...before } = record;
          return { _tag: 'Consumed', record: before };
        }
        return { _tag: 'AlreadyConsumed', record };
      }),
    ),
});
