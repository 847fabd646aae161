import * as O from 'fp-ts/lib/Option.js';
import type { ConsumeOutcome, InteractionRecord, InteractionStore } from '@grantor/core/extend';
import { updated, type SqlContext } from '../context.js';
import { epoch, interactionToRow, rowToInteraction } from '../rows.js';

export const sqlInteractionStore = ({ db, dialect, run, transaction }: SqlContext): InteractionStore => ({
  /** Saves a record; a record with the same key is replaced (as the memory store does). */
  save: (record) =>
    run('interactions.save', async () => {
      const row = interactionToRow(record);
      const { id: _key, ...rest } = row;
      const insert = db.insertInto('grantor_interactions').values(row);
      await (dialect === 'mysql' ? insert.onDuplicateKeyUpdate(rest) : insert.onConflict((oc) => oc.column('id').doUpdateSet(rest))).execute();
    }),
  find: (id) =>
    run('interactions.find', async () => {
      const row = await db.selectFrom('grantor_interactions').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? O.none : O.some(rowToInteraction(row));
    }),
  /** Finishes an interaction at most once: the conditional update `WHERE finished_at IS NULL` decides. */
  finish: (id, now) =>
    run('interactions.finish', async (): Promise<ConsumeOutcome<InteractionRecord>> => {
      const finish = (q: typeof db) => q.updateTable('grantor_interactions').set({ finished_at: epoch(now) }).where('id', '=', id).where('finished_at', 'is', null);
      const read = (q: typeof db) => q.selectFrom('grantor_interactions').selectAll().where('id', '=', id).executeTakeFirst();
      if (dialect === 'mysql') {
        return transaction(async (trx) => {
          const won = updated(await finish(trx).executeTakeFirstOrThrow());
          const row = await read(trx);
          if (row === undefined) return { _tag: 'NotFound' };
          return won ? { _tag: 'Consumed', record: rowToInteraction({ ...row, finished_at: null }) } : { _tag: 'AlreadyConsumed', record: rowToInteraction(row) };
        });
      }
      const won = await finish(db).returningAll().executeTakeFirst();
      if (won !== undefined) return { _tag: 'Consumed', record: rowToInteraction({ ...won, finished_at: null }) };
      const row = await read(db);
      return row === undefined ? { _tag: 'NotFound' } : { _tag: 'AlreadyConsumed', record: rowToInteraction(row) };
    }),
});
