import type { RefreshTokenRecord } from '@grantor/core/extend';

/**
 * A process-local index of refresh-token families, which the model does not have (RFC 9700 §4.14.2 reuse
 * detection). Rotating a token records `presented → rotated` and the successor as the family's live member (with its
 * value, since the model can only be asked by value). A rotated token presented again is found here as rotated, so
 * the core detects the reuse and revokes the family: the live member is revoked through `revokeToken`.
 *
 * Bounded: entries leave when their token expires (swept on insert) or, beyond `maxEntries`, oldest first. It only
 * knows tokens rotated by this process since it started: several processes, or a restart, lose reuse detection for
 * older tokens (single use itself never depends on it; it rests on `revokeToken`).
 */
export interface RefreshFamilies {
  /** The family of a token hash, when known. */
  readonly familyOf: (hash: string) => string | undefined;
  /** The record of a rotated token (for reuse detection), when known. */
  readonly rotated: (hash: string) => RefreshTokenRecord | undefined;
  /** Records a new live token of `family` (its value is needed to revoke it through the model later). */
  readonly live: (family: string, hash: string, value: string, expiresAt: number, now: number) => void;
  /** Records that `previous` was rotated at `now` (its successor is recorded with `live`). */
  readonly rotate: (previous: RefreshTokenRecord, now: number) => void;
  /** The values of the family's live tokens; the family is then closed (everything in it forgotten but the rotated records). */
  readonly close: (family: string) => readonly string[];
  readonly size: () => number;
}

interface Entry {
  readonly family: string;
  readonly expiresAt: number;
  readonly value?: string;
  readonly rotated?: RefreshTokenRecord;
}

export const refreshFamilies = (maxEntries = 100_000): RefreshFamilies => {
  const entries = new Map<string, Entry>();
  let inserts = 0;
  const sweep = (now: number) => {
    for (const [hash, entry] of entries) if (entry.expiresAt <= now) entries.delete(hash);
    while (entries.size > maxEntries) {
      const oldest = entries.keys().next();
      if (oldest.done === true) break;
      entries.delete(oldest.value);
    }
  };
  const put = (hash: string, entry: Entry, now: number) => {
    entries.delete(hash);
    entries.set(hash, entry);
    inserts += 1;
    if (inserts % 1024 === 0 || entries.size > maxEntries) sweep(now);
  };
  return {
    familyOf: (hash) => entries.get(hash)?.family,
    rotated: (hash) => entries.get(hash)?.rotated,
    live: (family, hash, value, expiresAt, now) => put(hash, { family, expiresAt, value }, now),
    rotate: (previous, now) =>
      put(previous.tokenHash, { family: previous.grantId, expiresAt: previous.expiresAt, rotated: { ...previous, rotatedAt: Math.floor(now) } }, now),
    close: (family) => {
      const values: string[] = [];
      for (const [hash, entry] of entries) {
        if (entry.family !== family || entry.value === undefined) continue;
        values.push(entry.value);
        entries.delete(hash);
      }
      return values;
    },
    size: () => entries.size,
  };
};
