import * as O from 'fp-ts/lib/Option.js';
import type { ConsumeOutcome, DeviceCodeRecord, DeviceCodeStore, PollOutcome } from '@grantor/core/extend';
import { lockRows, updated, type SqlContext } from '../context.js';
import { deviceToRow, epoch, rowToDevice, scopeToText } from '../rows.js';

export const sqlDeviceCodeStore = ({ db, dialect, run, transaction }: SqlContext): DeviceCodeStore => ({
  /** Saves a record; a record with the same key is replaced (as the memory store does). */
  save: (record) =>
    run('deviceCodes.save', async () => {
      const row = deviceToRow(record);
      const { device_code_hash: _key, ...rest } = row;
      const insert = db.insertInto('grantor_device_codes').values(row);
      await (dialect === 'mysql' ? insert.onDuplicateKeyUpdate(rest) : insert.onConflict((oc) => oc.column('device_code_hash').doUpdateSet(rest))).execute();
    }),
  findByUserCode: (userCodeHash) =>
    run('deviceCodes.findByUserCode', async () => {
      const row = await db.selectFrom('grantor_device_codes').selectAll().where('user_code_hash', '=', userCodeHash).executeTakeFirst();
      return row === undefined ? O.none : O.some(rowToDevice(row));
    }),

  /**
   * RFC 8628 §3.3: the user approves or denies once. The row is locked (`FOR UPDATE`, or SQLite's write lock), the
   * prior record read, and the update stays conditional on `status = 'pending'`.
   */
  decide: (userCodeHash, decision) =>
    run('deviceCodes.decide', () =>
      transaction(async (trx): Promise<ConsumeOutcome<DeviceCodeRecord>> => {
        const row = await lockRows(dialect, trx.selectFrom('grantor_device_codes').selectAll().where('user_code_hash', '=', userCodeHash)).executeTakeFirst();
        if (row === undefined) return { _tag: 'NotFound' };
        const previous = rowToDevice(row);
        if (previous.status !== 'pending') return { _tag: 'AlreadyConsumed', record: previous };
        const result = await trx
          .updateTable('grantor_device_codes')
          .set(
            decision.approved
              ? { status: 'approved', subject: decision.subject, granted_scope: scopeToText(decision.scope), auth_time: epoch(decision.authTime) }
              : { status: 'denied' },
          )
          .where('user_code_hash', '=', userCodeHash)
          .where('status', '=', 'pending')
          .executeTakeFirstOrThrow();
        return updated(result) ? { _tag: 'Consumed', record: previous } : { _tag: 'AlreadyConsumed', record: previous };
      }),
    ),

  /** RFC 8628 §3.5: records a poll (time and the interval to enforce next) and returns the record before it. */
  poll: (deviceCodeHash, now, interval) =>
    run('deviceCodes.poll', () =>
      transaction(async (trx): Promise<PollOutcome> => {
        const row = await lockRows(dialect, trx.selectFrom('grantor_device_codes').selectAll().where('device_code_hash', '=', deviceCodeHash)).executeTakeFirst();
        if (row === undefined) return { _tag: 'NotFound' };
        await trx
          .updateTable('grantor_device_codes')
          .set({ last_polled_at: epoch(now), poll_interval: interval })
          .where('device_code_hash', '=', deviceCodeHash)
          .execute();
        return { _tag: 'Polled', previous: rowToDevice(row) };
      }),
    ),

  /** RFC 8628 §3.5: exactly one poll receives the tokens; the conditional update `approved → consumed` decides. */
  consume: (deviceCodeHash) =>
    run('deviceCodes.consume', async (): Promise<ConsumeOutcome<DeviceCodeRecord>> => {
      const consume = (q: typeof db) =>
        q.updateTable('grantor_device_codes').set({ status: 'consumed' }).where('device_code_hash', '=', deviceCodeHash).where('status', '=', 'approved');
      const read = (q: typeof db) => q.selectFrom('grantor_device_codes').selectAll().where('device_code_hash', '=', deviceCodeHash).executeTakeFirst();
      if (dialect === 'mysql') {
        return transaction(async (trx) => {
          const won = updated(await consume(trx).executeTakeFirstOrThrow());
          const row = await read(trx);
          if (row === undefined) return { _tag: 'NotFound' };
          return won ? { _tag: 'Consumed', record: rowToDevice({ ...row, status: 'approved' }) } : { _tag: 'AlreadyConsumed', record: rowToDevice(row) };
        });
      }
      const won = await consume(db).returningAll().executeTakeFirst();
      if (won !== undefined) return { _tag: 'Consumed', record: rowToDevice({ ...won, status: 'approved' }) };
      const row = await read(db);
      return row === undefined ? { _tag: 'NotFound' } : { _tag: 'AlreadyConsumed', record: rowToDevice(row) };
    }),
});
