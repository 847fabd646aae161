import type { ReplayCache } from '@grantor/core/extend';
import type { SqlContext } from '../context.js';
import { changed, statement } from '../prepared.js';
import { epoch } from '../rows.js';

/** MySQL ER_DUP_ENTRY. */
const duplicateKey = (e: unknown): boolean => (e as { errno?: unknown } | null)?.errno === 1062;

export const sqlReplayCache = ({ db, dialect, run, statements }: SqlContext): ReplayCache => {
  const remember = statement<{ readonly key: string; readonly expiresAt: number }>(statements, (p) => {
    const insert = db.insertInto('grantor_replay_cache').values({ replay_key: p('key'), expires_at: p('expiresAt') });
    return dialect === 'mysql' ? insert : insert.onConflict((oc) => oc.column('replay_key').doNothing());
  });
  return {
    /** RFC 7523 §3: a `jti` is accepted once. The unique key decides: a conflicting insert means "seen before". */
    remember: (key, expiresAt) =>
      run('replay.remember', async () => {
        const params = { key, expiresAt: epoch(expiresAt) };
        if (dialect === 'mysql') {
          try {
            await remember.run(params);
            return true;
          } catch (e) {
            if (duplicateKey(e)) return false;
            throw e;
          }
        }
        return changed(await remember.run(params));
      }),
  };
};
