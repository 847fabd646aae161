import * as O from 'fp-ts/lib/Option.js';
import type { LoginSessionRecord, LoginSessionStore } from '@grantor/core/extend';
import type { SqlContext } from '../context.js';
import { epoch } from '../rows.js';
import type { Row } from '../schema.js';

const fromRow = (r: Row<'grantor_login_sessions'>): LoginSessionRecord => ({
  idHash: r.id_hash,
  subject: r.subject,
  authTime: Number(r.auth_time),
  amr: r.amr === '' ? [] : r.amr.split(' '),
  ...(r.interaction_id === null ? {} : { interactionId: r.interaction_id }),
  createdAt: Number(r.created_at),
  lastSeenAt: Number(r.last_seen_at),
  expiresAt: Number(r.expires_at),
  ...(r.user_agent === null ? {} : { userAgent: r.user_agent }),
});

/**
 * The `LoginSessionStore` port on SQL (`grantor_login_sessions`, migration `0008_login_sessions`): one row per session,
 * keyed by the SHA-256 of its id. `create` inserts and trims the subject's oldest sessions beyond the bound in one
 * transaction.
 */
export const sqlLoginSessionStore = ({ db, run, transaction }: SqlContext): LoginSessionStore => ({
  create: (record, maxPerSubject) =>
    run('loginSessions.create', () =>
      transaction(async (trx) => {
        await trx.deleteFrom('grantor_login_sessions').where('id_hash', '=', record.idHash).execute();
        await trx
          .insertInto('grantor_login_sessions')
          .values({
            id_hash: record.idHash,
            subject: record.subject,
            auth_time: epoch(record.authTime),
            amr: record.amr.join(' '),
            interaction_id: record.interactionId ?? null,
            created_at: epoch(record.createdAt),
            last_seen_at: epoch(record.lastSeenAt),
            expires_at: epoch(record.expiresAt),
            user_agent: record.userAgent?.slice(0, 255) ?? null,
          })
          .execute();
        const rows = await trx.selectFrom('grantor_login_sessions').select('id_hash').where('subject', '=', record.subject).orderBy('created_at', 'desc').orderBy('id_hash', 'desc').execute();
        const surplus = rows.slice(Math.max(0, maxPerSubject)).map((r) => r.id_hash);
        if (surplus.length > 0) await trx.deleteFrom('grantor_login_sessions').where('id_hash', 'in', surplus).execute();
      }),
    ),
  find: (idHash) =>
    run('loginSessions.find', async () => {
      const row = await db.selectFrom('grantor_login_sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
      return row === undefined ? O.none : O.some(fromRow(row));
    }),
  touch: (idHash, lastSeenAt, expiresAt) =>
    run('loginSessions.touch', async () => {
      await db.updateTable('grantor_login_sessions').set({ last_seen_at: epoch(lastSeenAt), expires_at: epoch(expiresAt) }).where('id_hash', '=', idHash).execute();
    }),
  listBySubject: (subject) =>
    run('loginSessions.listBySubject', async () =>
      (await db.selectFrom('grantor_login_sessions').selectAll().where('subject', '=', subject).orderBy('created_at', 'desc').orderBy('id_hash', 'desc').execute()).map(fromRow),
    ),
  remove: (idHash) =>
    run('loginSessions.remove', async () => {
      const r = await db.deleteFrom('grantor_login_sessions').where('id_hash', '=', idHash).executeTakeFirst();
      return r.numDeletedRows > 0n;
    }),
  removeBySubject: (subject, keep) =>
    run('loginSessions.removeBySubject', async () => {
      const q = db.deleteFrom('grantor_login_sessions').where('subject', '=', subject);
      const r = await (keep === undefined ? q : q.where('id_hash', '<>', keep)).executeTakeFirst();
      return Number(r.numDeletedRows);
    }),
});
