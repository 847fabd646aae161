import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import { isSerializationFailure, isTransient, runner, toStoreError } from './errors.js';

const err = (props: Record<string, unknown>, message = 'boom'): Error => Object.assign(new Error(message), props);

describe('driver error classification', () => {
  it.each([
    ['PostgreSQL serialization_failure', err({ code: '40001' })],
    ['PostgreSQL deadlock_detected', err({ code: '40P01' })],
    ['MySQL deadlock', err({ errno: 1213, code: 'ER_LOCK_DEADLOCK' })],
    ['MySQL lock wait timeout', err({ errno: 1205, code: 'ER_LOCK_WAIT_TIMEOUT' })],
    ['SQLITE_BUSY', err({ code: 'SQLITE_BUSY' })],
    ['SQLITE_BUSY_SNAPSHOT', err({ code: 'SQLITE_BUSY_SNAPSHOT' })],
  ])('%s is a serialization failure, hence transient', (_, e) => {
    expect(isSerializationFailure(e)).toBe(true);
    expect(isTransient(e)).toBe(true);
  });

  it.each([
    ['connection refused', err({ code: 'ECONNREFUSED' })],
    ['connection reset', err({ code: 'ECONNRESET' })],
    ['pg pool exhausted', new Error('timeout exceeded when trying to connect')],
    ['pg connection terminated', new Error('Connection terminated unexpectedly')],
    ['PostgreSQL statement timeout (57014)', err({ code: '57014' })],
    ['PostgreSQL admin shutdown (57P01)', err({ code: '57P01' })],
    ['PostgreSQL lock_not_available (55P03)', err({ code: '55P03' })],
    ['PostgreSQL too_many_connections (53300)', err({ code: '53300' })],
    ['MySQL too many connections', err({ errno: 1040 })],
    ['MySQL connection lost', err({ code: 'PROTOCOL_CONNECTION_LOST' })],
    ['MariaDB max_statement_time exceeded', err({ errno: 1969 })],
    ['every address refused', Object.assign(new AggregateError([err({ code: 'ECONNREFUSED' }), err({ code: 'ECONNREFUSED' })]), {})],
  ])('%s is transient', (_, e) => {
    expect(isTransient(e)).toBe(true);
    expect(isSerializationFailure(e)).toBe(false);
  });

  it.each([
    ['unique violation (PostgreSQL)', err({ code: '23505' })],
    ['duplicate entry (MySQL)', err({ errno: 1062, code: 'ER_DUP_ENTRY' })],
    ['SQLite constraint', err({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' })],
    ['undefined table', err({ code: '42P01' })],
    ['a plain bug', new TypeError('x is undefined')],
    ['a thrown string', 'oops'],
  ])('%s is not transient', (_, e) => {
    expect(isTransient(e)).toBe(false);
  });

  it('the StoreError names the operation and keeps the cause', () => {
    const cause = err({ code: '40001' }, 'could not serialize access');
    const e = toStoreError('refreshTokens.rotate', cause);
    expect(e).toMatchObject({ _tag: 'StoreError', transient: true, detail: 'refreshTokens.rotate: could not serialize access (40001)', cause });
  });
});

describe('runner', () => {
  const run = runner({ serializationRetries: 3, operationTimeoutMs: 2000 });

  it('retries a serialization failure and returns the eventual result', async () => {
    let calls = 0;
    const result = await run('op', async () => {
      calls++;
      if (calls < 3) throw err({ code: '40001' });
      return 'done';
    })();
    expect(result).toEqual(E.right('done'));
    expect(calls).toBe(3);
  });

  it('gives up after the bounded number of retries with a transient StoreError', async () => {
    let calls = 0;
    const result = await run('op', async () => {
      calls++;
      throw err({ code: '40P01' });
    })();
    expect(E.isLeft(result) && result.left.transient).toBe(true);
    expect(calls).toBe(4);
  });

  it('never retries other faults (their effect is unknown) and never rejects', async () => {
    let calls = 0;
    const result = await run('op', async () => {
      calls++;
      throw err({ code: 'ECONNRESET' });
    })();
    expect(E.isLeft(result) && result.left.transient).toBe(true);
    expect(calls).toBe(1);
    const bug = await run('op', async () => {
      throw new TypeError('bug');
    })();
    expect(E.isLeft(bug) && !bug.left.transient).toBe(true);
  });

  it('an operation that never settles becomes a transient StoreError at operationTimeoutMs', async () => {
    const result = await runner({ serializationRetries: 0, operationTimeoutMs: 50 })('stuck', () => new Promise<never>(() => undefined))();
    expect(E.isLeft(result) && result.left).toMatchObject({ transient: true, detail: expect.stringContaining('stuck timed out') });
  });
});
