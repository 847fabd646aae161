import type { ConsumeOutcome, PushedRequestRecord, PushedRequestStore } from '@grantor/core/extend';
import { updated, type SqlContext } from '../context.js';
import type { NewRow, Row } from '../schema.js';
import { epoch } from '../rows.js';

const toRow = (r: PushedRequestRecord): NewRow<'grantor_pushed_requests'> => ({
  request_uri_hash: r.requestUriHash,
  client_id: r.clientId,
  params: JSON.stringify(r.params),
  created_at: epoch(r.createdAt),
  expires_at: epoch(r.expiresAt),
  used_at: r.usedAt === undefined ? null : epoch(r.usedAt),
});

const fromRow = (r: Row<'grantor_pushed_requests'>): PushedRequestRecord => ({
  requestUriHash: r.request_uri_hash,
  clientId: r.client_id,
  params: JSON.parse(r.params) as Readonly<Record<string, readonly string[]>>,
  createdAt: Number(r.created_at),
  expiresAt: Number(r.expires_at),
  ...(r.used_at === null ? {} : { usedAt: Number(r.used_at) }),
});

export const sqlPushedRequestStore = ({ db, dialect, run, transaction }: SqlContext): PushedRequestStore => ({
  save: (record) =>
    run('pushedRequests.save', async () => {
      await db.insertInto('grantor_pushed_requests').values(toRow(record)).execute();
    }),
  /** RFC 9126 §4: used once — the conditional update `WHERE used_at IS NULL` decides. */
  use: (requestUriHash, now) =>
    run('pushedRequests.use', async (): Promise<ConsumeOutcome<PushedRequestRecord>> => {
      const use = (q: typeof db) =>
        q.updateTable('grantor_pushed_requests').set({ used_at: epoch(now) }).where('request_uri_hash', '=', requestUriHash).where('used_at', 'is', null);
      const read = (q: typeof db) => q.selectFrom('grantor_pushed_requests').selectAll().where('request_uri_hash', '=', requestUriHash).executeTakeFirst();
      if (dialect === 'mysql') {
        return transaction(async (trx) => {
          const won = updated(await use(trx).executeTakeFirstOrThrow());
          const row = await read(trx);
          if (row === undefined) return { _tag: 'NotFound' };
          return won ? { _tag: 'Consumed', record: fromRow({ ...row, used_at: null }) } : { _tag: 'AlreadyConsumed', record: fromRow(row) };
        });
      }
      const won = await use(db).returningAll().executeTakeFirst();
      if (won !== undefined) return { _tag: 'Consumed', record: fromRow({ ...won, used_at: null }) };
      const row = await read(db);
      return row === undefined ? { _tag: 'NotFound' } : { _tag: 'AlreadyConsumed', record: fromRow(row) };
    }),
});
