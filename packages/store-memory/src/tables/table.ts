/** What every in-memory table provides to the store: its port, a bounded sweep, and its row count. */
export interface Table<Port> {
  readonly port: Port;
  /** Deletes up to `budget` rows expired at `now`; returns how many it deleted. */
  readonly sweep: (now: number, budget: number) => number;
  readonly size: () => number;
}

/** Deletes up to `budget` rows that `expired` selects from `rows`; `onDelete` maintains secondary indexes. */
export const sweepMap = <K, V>(rows: Map<K, V>, expired: (row: V) => boolean, budget: number, onDelete?: (key: K, row: V) => void): number => {
  let removed = 0;
  for (const [key, row] of rows) {
    if (removed >= budget) break;
    if (expired(row)) {
      rows.delete(key);
      onDelete?.(key, row);
      removed++;
    }
  }
  return removed;
};

/**
 * What the operator's store (`admin.ts`) needs of a table: its live records, and deletion (and, for tokens,
 * revocation) of the records a predicate selects. Each call is one synchronous step.
 */
export interface Scannable<R> {
  readonly scan: () => readonly R[];
  readonly deleteWhere: (match: (record: R) => boolean) => number;
}

export interface Revocable<R> extends Scannable<R> {
  /** Sets `revokedAt = now` on every unrevoked record `match` selects; returns how many. */
  readonly revokeWhere: (match: (record: R) => boolean, now: number) => number;
}

/** Deletes every row `match` selects from `rows` (calling `onDelete` for each); returns how many. */
export const deleteMatching = <K, V>(rows: Map<K, V>, match: (key: K, row: V) => boolean, onDelete?: (key: K, row: V) => void): number => {
  let removed = 0;
  for (const [key, row] of rows) {
    if (match(key, row)) {
      rows.delete(key);
      onDelete?.(key, row);
      removed++;
    }
  }
  return removed;
};
