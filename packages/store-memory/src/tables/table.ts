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
