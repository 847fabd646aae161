import type { ReplayCache } from '@grantor/core/extend';
import type { SqlContext } from '../context.js';
import { epoch } from '../rows.js';

/** MySQL ER_DUP_ENTRY. */
const duplicateKey = (e: unknown): boolean => (e as { errno?: unknown } | null)?.errno === 1062;

export const sqlReplayCache = ({ db, dialect, run }: SqlContext): ReplayCache => ({
  /** RFC 7523 §3: a `jti` is accepted once. The unique key decides: a conflicting insert means "seen before". */
  remember: (key, expiresAt) =>
    run('replay.remember', async () => {
      const insert = db.insertInto('grantor_replay_cache').values({ replay_key: key, expires_at: epoch(expiresAt) });
      if (dialect === 'mysql') {
        try {
          await insert.execute();
          return true;
        } catch (e) {
          if (duplicateKey(e)) return false;
          throw e;
        }
      }
      const result = await insert.onConflict((oc) => oc.column('replay_key').doNothing()).executeTakeFirstOrThrow();
      return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
    }),
});
