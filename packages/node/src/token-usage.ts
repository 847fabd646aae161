import type { Logger } from '@grantor/core';
import type { TokenUse, TokenUsageSink, TokenUsageStore } from '@grantor/core/extend';

export interface CoalescedTokenUsageOptions {
  /** How often pending uses are written (default 30 s). The timer is `unref`ed. */
  readonly flushIntervalMs?: number;
  /**
   * At most this many distinct tokens wait for the next write (default 10,000): reaching it starts a write at once,
   * and uses of further tokens are dropped (counted in `dropped`) until that write has taken the batch.
   */
  readonly maxPending?: number;
  readonly logger?: Logger;
}

export interface CoalescedTokenUsage extends TokenUsageSink {
  /** Writes what is pending now. Never rejects (a store fault is logged and the batch is kept for the next try). */
  readonly flush: () => Promise<void>;
  /** Stops the timer and writes what is pending. Never rejects. */
  readonly close: () => Promise<void>;
  /** Uses dropped because `maxPending` tokens were already waiting. */
  readonly dropped: () => number;
}

/**
 * Usage tracking kept cheap: the core tells this sink of every accepted access token; it remembers only the latest
 * use per token in a bounded map and writes the batch through `store.recordUses` every `flushIntervalMs` — one store
 * transaction per interval, not one write per request. A failed write keeps its uses (merged with newer ones) for the
 * next interval. Hand-written because no library does "bounded last-write-wins map flushed on a timer" better than
 * these few lines.
 */
export const coalescedTokenUsage = (store: TokenUsageStore, options: CoalescedTokenUsageOptions = {}): CoalescedTokenUsage => {
  const maxPending = options.maxPending ?? 10_000;
  let pending = new Map<string, number>();
  let dropped = 0;

  const merge = (into: Map<string, number>, id: string, at: number): void => {
    const previous = into.get(id);
    if (previous === undefined || previous < at) into.set(id, at);
  };

  const write = async (): Promise<void> => {
    if (pending.size === 0) return;
    const batch = pending;
    pending = new Map();
    const uses: TokenUse[] = [...batch].map(([id, at]) => ({ id, at }));
    try {
      const written = await store.recordUses(uses)();
      if (written._tag === 'Left') throw new Error(written.left.detail);
    } catch (cause) {
      options.logger?.log('warn', 'token usage: write failed, kept for the next try', { cause: String(cause), uses: uses.length });
      for (const [id, at] of batch) if (pending.size < maxPending || pending.has(id)) merge(pending, id, at);
    }
  };

  // One write at a time: a flush during a write runs after it and takes what came meanwhile (`write` never rejects).
  let chain: Promise<void> = Promise.resolve();
  const flush = (): Promise<void> => (chain = chain.then(write));

  const timer = setInterval(() => void flush(), options.flushIntervalMs ?? 30_000);
  timer.unref();

  return {
    used: ({ id, at }) => {
      if (pending.has(id) || pending.size < maxPending) {
        merge(pending, id, at);
        if (pending.size === maxPending) void flush();
      } else dropped++;
    },
    flush,
    close: async () => {
      clearInterval(timer);
      await flush();
    },
    dropped: () => dropped,
  };
};
