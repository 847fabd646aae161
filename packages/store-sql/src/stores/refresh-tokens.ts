import { sql } from 'kysely';
import * as O from 'fp-ts/lib/Option.js';
import type { RefreshTokenRecord, RefreshTokenStore, RotateOutcome } from '@grantor/core/extend';
import type { SqlContext } from '../context.js';
import { changed, firstRow, statement } from '../prepared.js';
import { epoch, refreshToRow, rowToRefresh } from '../rows.js';
import type { NewRow, Row } from '../schema.js';
import { insertStatement, refreshColumns } from '../statements.js';
import { sqlGrantTombstones } from './revoked-grants.js';

type RefreshRow = Row<'grantor_refresh_tokens'>;
const epochColumns: ReadonlySet<string> = new Set(['auth_time', 'issued_at', 'expires_at', 'rotated_at', 'revoked_at']);

/** The presented token before the winning rotation: the update only set `rotated_at` and `successor_hash` from NULL. */
const beforeRotation = (row: RefreshRow): RefreshTokenRecord => rowToRefresh({ ...row, rotated_at: null, successor_hash: null });

export const sqlRefreshTokenStore = (ctx: SqlContext): RefreshTokenStore => {
  const { db, dialect, run, transaction, statements } = ctx;
  const tombstones = sqlGrantTombstones(ctx);
  const save = insertStatement(ctx, 'grantor_refresh_tokens', refreshColumns, 'token_hash');
  const insert = insertStatement(ctx, 'grantor_refresh_tokens', refreshColumns);
  const find = statement<{ readonly tokenHash: string }>(statements, (p) => db.selectFrom('grantor_refresh_tokens').selectAll().where('token_hash', '=', p('tokenHash')));
  type RotateParams = { readonly tokenHash: string; readonly now: number; readonly successorHash: string };
  const rotate = statement<RotateParams>(statements, (p) => {
    const q = db
      .updateTable('grantor_refresh_tokens')
      .set({ rotated_at: p('now'), successor_hash: p('successorHash') })
      .where('token_hash', '=', p('tokenHash'))
      .where('rotated_at', 'is', null)
      .where('revoked_at', 'is', null);
    return dialect === 'mysql' ? q : q.returningAll();
  });
  /**
   * PostgreSQL: the rotation and the successor's insert in ONE statement (one round trip, atomic like any statement):
   * the conditional update decides, the insert runs only when it returned the row.
   */
  const columns = Object.keys(refreshColumns);
  const rotateInOne =
    dialect === 'postgres'
      ? statement<RotateParams & NewRow<'grantor_refresh_tokens'>>(statements, (p) => {
          const param = p as unknown as (name: string) => unknown;
          const values = columns.map((c) => sql`cast(${param(c)} as ${sql.raw(epochColumns.has(c) ? 'bigint' : 'text')})`);
          return {
            compile: () =>
              sql`with won as (update grantor_refresh_tokens set rotated_at = ${p('now')}, successor_hash = ${p('successorHash')} where token_hash = ${p('tokenHash')} and rotated_at is null and revoked_at is null returning *), successor as (insert into grantor_refresh_tokens (${sql.join(columns.map((c) => sql.ref(c)))}) select ${sql.join(values)} where exists (select 1 from won)) select * from won`.compile(db),
          };
        })
      : undefined;
  const revokeGrant = statement<{ readonly grantId: string; readonly now: number }>(statements, (p) =>
    db.updateTable('grantor_refresh_tokens').set({ revoked_at: p('now') }).where('grant_id', '=', p('grantId')).where('revoked_at', 'is', null),
  );

  /** The rotation itself (see `rotate`). */
  const rotateOnce = async (tokenHash: string, successor: RefreshTokenRecord, now: number): Promise<RotateOutcome> => {
    const params = { tokenHash, now: epoch(now), successorHash: successor.tokenHash };
    const lost = (row: RefreshRow | undefined): RotateOutcome => (row === undefined ? { _tag: 'NotFound' } : { _tag: 'NotActive', previous: rowToRefresh(row) });
    if (rotateInOne !== undefined) {
      const won = firstRow(await rotateInOne.run<RefreshRow>({ ...refreshToRow(successor), ...params }));
      return won !== undefined ? { _tag: 'Rotated', previous: beforeRotation(won) } : lost(firstRow(await find.run<RefreshRow>(params)));
    }
    return transaction(async (trx): Promise<RotateOutcome> => {
      const result = await rotate.run<RefreshRow>(params, trx);
      const wonRow = firstRow(result);
      const won = dialect === 'mysql' ? changed(result) : wonRow !== undefined;
      if (won) await insert.run(refreshToRow(successor), trx);
      if (wonRow !== undefined) return { _tag: 'Rotated', previous: beforeRotation(wonRow) };
      const row = firstRow(await find.run<RefreshRow>(params, trx));
      if (won && row !== undefined) return { _tag: 'Rotated', previous: beforeRotation(row) };
      return lost(row);
    });
  };

  return {
    /**
     * Saves a record; a record with the same key is replaced (as the memory store does). The row is then checked
     * against its grant's tombstone (a revocation that raced this save, see `revoked-grants.ts`).
     */
    save: (record) =>
      run('refreshTokens.save', async () => {
        await save.run(refreshToRow(record));
        await tombstones.checkRefreshToken(record.tokenHash, record.grantId);
      }),
    find: (tokenHash) =>
      run('refreshTokens.find', async () => {
        const row = firstRow(await find.run<RefreshRow>({ tokenHash }));
        return row === undefined ? O.none : O.some(rowToRefresh(row));
      }),

    /**
     * RFC 9700 §4.14.2 refresh-token rotation, atomically: the conditional update of the presented token
     * (`WHERE rotated_at IS NULL AND revoked_at IS NULL`) decides; only the winner inserts the successor. Either both
     * happen or neither: one statement on PostgreSQL, one transaction elsewhere (a connection lost mid-way rolls it
     * back). A loser reads the row to tell `NotActive` from `NotFound`.
     */
    rotate: (tokenHash, successor, now) =>
      run('refreshTokens.rotate', async (): Promise<RotateOutcome> => {
        const outcome = await rotateOnce(tokenHash, successor, now);
        // the successor is committed: a revocation of its family that raced the rotation revokes it now
        if (outcome._tag === 'Rotated') await tombstones.checkRefreshToken(successor.tokenHash, successor.grantId);
        return outcome;
      }),

    /**
     * RFC 9700 §4.14.2: reuse detection revokes the whole family: the grant's tombstone (so a successor still being
     * saved ends up revoked), then every token of the family in one statement (indexed by `grant_id`).
     */
    revokeGrant: (grantId, now) =>
      run('refreshTokens.revokeGrant', async () => {
        await tombstones.record(grantId, epoch(now));
        await revokeGrant.run({ grantId, now: epoch(now) });
      }),
  };
};
