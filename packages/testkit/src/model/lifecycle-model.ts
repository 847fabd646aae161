/**
 * A model-based test (fast-check `commands`) of the authorization-code and refresh-token lifecycles against a store.
 * The model is a plain record of what every code and token should look like; each command drives the store the way
 * the token endpoint does (RFC 6749 §4.1.2 single-use codes with replay revocation, RFC 9700 §4.14.2 rotation with
 * reuse detection) and then checks that the store agrees with the model on every token.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as O from 'fp-ts/Option';
import { fakeClock, type FakeClock } from '../fakes.js';
import { ok, t0, type StorePorts, type StoreUnderTest } from '../contract/harness.js';

interface CodeModel {
  readonly hash: string;
  readonly clientId: string;
  readonly grantId: string;
  readonly expiresAt: number;
  redeemed: boolean;
  swept: boolean;
}

interface TokenModel {
  readonly id: string;
  readonly grantId: string;
  readonly expiresAt: number;
  revokedAt?: number;
  swept: boolean;
}

interface RefreshModel extends TokenModel {
  rotatedAt?: number;
  successor?: string;
}

export interface LifecycleModel {
  now: number;
  readonly codes: CodeModel[];
  readonly refresh: RefreshModel[];
  readonly access: TokenModel[];
}

interface Real {
  readonly store: StorePorts;
  readonly clock: FakeClock;
  readonly fresh: (kind: string) => string;
}

type Command = fc.AsyncCommand<LifecycleModel, Real>;

const accessLifetime = 600;
const refreshLifetime = 5_000;
const clients = ['client-a', 'client-b'] as const;

const live = <T extends { swept: boolean }>(xs: readonly T[]): T[] => xs.filter((x) => !x.swept);
const pick = <T>(xs: readonly T[], i: number): T | undefined => (xs.length === 0 ? undefined : xs[i % xs.length]);

/** RFC 6749 §4.1.2 / RFC 9700 §4.14.2: revoke everything issued in a grant, in the model and in the store. */
const revokeGrant = async (m: LifecycleModel, r: Real, grantId: string): Promise<void> => {
  await ok(r.store.refreshTokens.revokeGrant(grantId, m.now));
  await ok(r.store.accessTokens.revokeGrant(grantId, m.now));
  for (const t of [...m.refresh, ...m.access]) if (t.grantId === grantId && !t.swept && t.revokedAt === undefined) t.revokedAt = m.now;
};

/** Issues an access token and a refresh token for `grantId` (the successful token response). */
const issueTokens = async (m: LifecycleModel, r: Real, grantId: string, clientId: string, rotating?: string): Promise<void> => {
  const access = { id: r.fresh('at'), grantId, expiresAt: m.now + accessLifetime, swept: false };
  await ok(r.store.accessTokens.save({ id: access.id, format: 'opaque', clientId, subject: 'alice', scope: ['read'], grantId, issuedAt: m.now, expiresAt: access.expiresAt }));
  m.access.push(access);
  const refresh: RefreshModel = { id: r.fresh('rt'), grantId, expiresAt: m.now + refreshLifetime, swept: false };
  const record = { tokenHash: refresh.id, grantId, clientId, subject: 'alice', scope: ['read'], grantedScope: ['read'], issuedAt: m.now, expiresAt: refresh.expiresAt };
  if (rotating === undefined) await ok(r.store.refreshTokens.save(record));
  else {
    const outcome = await ok(r.store.refreshTokens.rotate(rotating, record, m.now));
    expect(outcome._tag).toBe('Rotated');
    const previous = m.refresh.find((t) => t.id === rotating);
    if (previous !== undefined) Object.assign(previous, { rotatedAt: m.now, successor: refresh.id });
  }
  m.refresh.push(refresh);
};

/** Checks that the store agrees with the model on every access and refresh token. */
const agree = async (m: LifecycleModel, r: Real): Promise<void> => {
  for (const t of m.access) {
    const found = await ok(r.store.accessTokens.find(t.id));
    if (t.swept) expect(found).toEqual(O.none);
    else expect(O.isSome(found) ? { id: t.id, revokedAt: found.value.revokedAt } : 'missing').toEqual({ id: t.id, revokedAt: t.revokedAt });
  }
  for (const t of m.refresh) {
    const found = await ok(r.store.refreshTokens.find(t.id));
    if (t.swept) expect(found).toEqual(O.none);
    else
      expect(O.isSome(found) ? { id: t.id, revokedAt: found.value.revokedAt, rotatedAt: found.value.rotatedAt, successor: found.value.successorHash } : 'missing').toEqual({
        id: t.id,
        revokedAt: t.revokedAt,
        rotatedAt: t.rotatedAt,
        successor: t.successor,
      });
  }
};

const command = (name: string, check: (m: Readonly<LifecycleModel>) => boolean, run: (m: LifecycleModel, r: Real) => Promise<void>): Command => ({
  check,
  run: async (m, r) => {
    await run(m, r);
    await agree(m, r);
  },
  toString: () => name,
});

const issueCode = (lifetime: number, client: number): Command =>
  command(`IssueCode(${lifetime}s, ${client})`, () => true, async (m, r) => {
    const code: CodeModel = { hash: r.fresh('code'), clientId: clients[client % 2]!, grantId: r.fresh('grant'), expiresAt: m.now + lifetime, redeemed: false, swept: false };
    await ok(r.store.authorizationCodes.save({ codeHash: code.hash, grantId: code.grantId, clientId: code.clientId, redirectUri: 'https://c.example/cb', subject: 'alice', scope: ['read'], issuedAt: m.now, expiresAt: code.expiresAt }));
    m.codes.push(code);
  });

/** RFC 6749 §4.1.3 redemption, with §4.1.2 replay handling (revoke what the code issued). */
const redeemCode = (index: number, rightClient: boolean): Command =>
  command(`RedeemCode(${index}, ${rightClient ? 'right' : 'wrong'} client)`, (m) => m.codes.length > 0, async (m, r) => {
    const code = pick(m.codes, index)!;
    const outcome = await ok(r.store.authorizationCodes.redeem(code.hash, m.now));
    const expected = code.swept ? 'NotFound' : code.redeemed ? 'AlreadyConsumed' : 'Consumed';
    expect(outcome._tag).toBe(expected);
    if (outcome._tag === 'NotFound') return;
    expect(outcome.record.grantId).toBe(code.grantId);
    if (outcome._tag === 'AlreadyConsumed') return revokeGrant(m, r, code.grantId);
    code.redeemed = true;
    const clientId = rightClient ? code.clientId : clients.find((c) => c !== code.clientId)!;
    if (clientId === outcome.record.clientId && m.now < outcome.record.expiresAt) await issueTokens(m, r, code.grantId, clientId);
  });

/** RFC 6749 §6 refresh with RFC 9700 §4.14.2 rotation; presenting a rotated token revokes the family. */
const refreshWith = (label: string, choose: (m: Readonly<LifecycleModel>) => RefreshModel[], index: number): Command =>
  command(`${label}(${index})`, (m) => choose(m).length > 0, async (m, r) => {
    const token = pick(choose(m), index)!;
    const found = await ok(r.store.refreshTokens.find(token.id));
    if (token.swept) return void expect(found).toEqual(O.none);
    if (O.isNone(found) || m.now >= found.value.expiresAt) return;
    if (token.rotatedAt === undefined && token.revokedAt === undefined) return issueTokens(m, r, token.grantId, found.value.clientId, token.id);
    const unused = { tokenHash: r.fresh('rt'), grantId: token.grantId, clientId: found.value.clientId, subject: 'alice', scope: ['read'], grantedScope: ['read'], issuedAt: m.now, expiresAt: m.now + refreshLifetime };
    const outcome = await ok(r.store.refreshTokens.rotate(token.id, unused, m.now));
    expect(outcome._tag).toBe('NotActive');
    expect(await ok(r.store.refreshTokens.find(unused.tokenHash))).toEqual(O.none);
    await revokeGrant(m, r, token.grantId);
  });

const revokeFamily = (index: number): Command =>
  command(`RevokeFamily(${index})`, (m) => live(m.refresh).length > 0, async (m, r) => revokeGrant(m, r, pick(live(m.refresh), index)!.grantId));

const advanceClock = (seconds: number): Command =>
  command(`AdvanceClock(${seconds}s)`, () => true, async (m, r) => {
    r.clock.advance(seconds);
    m.now = r.clock.now();
  });

const sweep: Command = command('Sweep', () => true, async (m, r) => {
  while ((await ok(r.store.sweeper.sweep(m.now))) > 0);
  for (const x of [...m.codes, ...m.refresh, ...m.access]) if (x.expiresAt <= m.now) x.swept = true;
});

export const lifecycleCommandsArb = (maxCommands: number): fc.Arbitrary<Iterable<Command>> => {
  const issue = fc.tuple(fc.integer({ min: 1, max: 600 }), fc.nat(1)).map(([lifetime, client]) => issueCode(lifetime, client));
  const redeem = fc.tuple(fc.nat(), fc.boolean()).map(([i, right]) => redeemCode(i, right));
  const redeemRight = fc.nat().map((i) => redeemCode(i, true));
  const rotate = fc.nat().map((i) => refreshWith('Rotate', (m) => m.refresh, i));
  const rotateLatest = fc.nat().map((i) => refreshWith('RotateLatest', (m) => m.refresh.filter((t) => t.successor === undefined && !t.swept), i));
  const replay = fc.nat().map((i) => refreshWith('ReplayRotated', (m) => m.refresh.filter((t) => t.rotatedAt !== undefined), i));
  const tick = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 60 }) }, { weight: 1, arbitrary: fc.integer({ min: 61, max: 6_000 }) }).map(advanceClock);
  // Repeated entries weigh the choice towards the commands that move lifecycles forward.
  return fc.commands([issue, issue, redeem, redeemRight, redeemRight, rotate, rotateLatest, rotateLatest, replay, fc.nat().map(revokeFamily), tick, tick, fc.constant(sweep)], {
    maxCommands,
    size: '+1',
  });
};

export interface LifecycleModelOptions {
  readonly numRuns?: number;
  readonly maxCommands?: number;
}

/**
 * Registers `lifecycle model: <name>`: random command sequences (issue code, redeem with the right or wrong client,
 * rotate, replay a rotated token, revoke a family, advance the clock, sweep) run against a fresh store each, with
 * the store checked against the model after every command.
 */
export const lifecycleModelSuite = (name: string, makeStore: () => Promise<StoreUnderTest>, options: LifecycleModelOptions = {}): void => {
  describe(`lifecycle model: ${name}`, () => {
    it('codes are single-use, refresh families rotate and are revoked on reuse, the sweeper removes only expired tokens', async () => {
      await fc.assert(
        fc.asyncProperty(lifecycleCommandsArb(options.maxCommands ?? 40), async (commands) => {
          const store = await makeStore();
          const prefix = randomBytes(6).toString('base64url');
          let counter = 0;
          const clock = fakeClock(t0);
          try {
            await fc.asyncModelRun(
              () => ({
                model: { now: clock.now(), codes: [], refresh: [], access: [] },
                real: { store, clock, fresh: (kind: string) => `${kind}-${prefix}-${++counter}` },
              }),
              commands,
            );
          } finally {
            await store.cleanup?.();
          }
        }),
        { numRuns: options.numRuns ?? 100 },
      );
    });
  });
};
