import { describe, expect, it } from 'vitest';
import type { TokenUse, TokenUsageStore } from '@grantor/core/extend';
import { createMemoryStore } from '@grantor/store-memory';
import { coalescedTokenUsage } from './token-usage.js';

const recording = (fail = () => false) => {
  const batches: TokenUse[][] = [];
  const store: TokenUsageStore = {
    // A TaskEither by hand (this package does not depend on fp-ts).
    recordUses: (uses) => async () => (fail() ? { _tag: 'Left', left: { detail: 'down' } as never } : (batches.push([...uses]), { _tag: 'Right', right: uses.length })),
  };
  return { store, batches };
};

describe('coalescedTokenUsage', () => {
  it('many uses of a token between writes become one entry with the latest time; one store call per flush', async () => {
    const { store, batches } = recording();
    const usage = coalescedTokenUsage(store, { flushIntervalMs: 60_000 });
    for (let i = 0; i < 1000; i++) usage.used({ id: 'a', at: 100 + (i % 7) });
    usage.used({ id: 'b', at: 50 });
    await usage.flush();
    expect(batches).toEqual([[{ id: 'a', at: 106 }, { id: 'b', at: 50 }]]);
    await usage.flush();
    expect(batches).toHaveLength(1); // nothing pending: no write
    await usage.close();
  });

  it('is bounded: past maxPending distinct tokens a write starts and further new tokens are dropped, counted', async () => {
    const { store, batches } = recording();
    const usage = coalescedTokenUsage(store, { flushIntervalMs: 60_000, maxPending: 3 });
    usage.used({ id: 'a', at: 1 });
    usage.used({ id: 'b', at: 1 });
    usage.used({ id: 'c', at: 1 }); // the third fills the map: a write is under way
    await usage.flush();
    expect(batches[0]?.map((u) => u.id)).toEqual(['a', 'b', 'c']);
    for (const id of ['d', 'e', 'f', 'g']) usage.used({ id, at: 2 });
    expect(usage.dropped()).toBeGreaterThanOrEqual(1);
    await usage.close();
  });

  it('a failed write keeps its uses for the next one (merged with newer uses); flush never rejects', async () => {
    let down = true;
    const { store, batches } = recording(() => down);
    const usage = coalescedTokenUsage(store, { flushIntervalMs: 60_000 });
    usage.used({ id: 'a', at: 10 });
    await expect(usage.flush()).resolves.toBeUndefined();
    usage.used({ id: 'a', at: 5 });
    usage.used({ id: 'b', at: 7 });
    down = false;
    await usage.flush();
    expect(batches).toEqual([[{ id: 'a', at: 10 }, { id: 'b', at: 7 }]]);
    await usage.close();
  });

  it('over the memory store: lastUsedAt appears on the token after a flush', async () => {
    const memory = createMemoryStore();
    const record = { id: 'h1', format: 'opaque' as const, clientId: 'c', scope: ['s'], issuedAt: 1, expiresAt: 4_000_000_000 };
    await memory.accessTokens.save(record)();
    const usage = coalescedTokenUsage(memory.accessTokenUsage, { flushIntervalMs: 60_000 });
    usage.used({ id: 'h1', at: 1234 });
    expect(await memory.accessTokens.find('h1')()).toEqual({ _tag: 'Right', right: { _tag: 'Some', value: record } });
    await usage.close();
    expect(await memory.accessTokens.find('h1')()).toEqual({ _tag: 'Right', right: { _tag: 'Some', value: { ...record, lastUsedAt: 1234 } } });
  });
});
