/**
 * A model-based test (fast-check `commands`) of the authorization-code and refresh-token lifecycles: the core's pure
 * lifecycle functions (`codeLifecycle`, `refreshFamily`) judge every outcome, a store performs the atomic steps, and
 * a model built from the core's own pure transitions (`redeemTransition`, `rotateTransition`) predicts every outcome
 * and every stored token. After each command the store must agree with the model, record for record.
 *
 * Flows: RFC 6749 §4.1.3 code redemption (single use; a replay revokes the grant, §4.1.2), RFC 6749 §6 refresh with
 * RFC 9700 §4.14.2 rotation and reuse detection (family revocation, optional grace window), concurrent double submit,
 * explicit revocation, time passing and the sweeper.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import * as O from 'fp-ts/lib/Option.js';
import { codeLifecycle, refreshFamily, type AccessTokenRecord, type AuthorizationCodeRecord, type RefreshTokenRecord } from '@grantor/core/extend';
import { fakeClock, sha256Base64url, type FakeClock } from '../fakes.js';
import { ok, t0, type StorePorts, type StoreUnderTest } from '../contract/harness.js';

/** Expected contents of the store: `undefined` once swept. Codes also remember the PKCE verifier that opens them. */
export interface LifecycleModel {
  now: number;
  readonly codes: Map<string, { record: AuthorizationCodeRecord | undefined; readonly verifier: string }>;
  readonly refresh: Map<string, RefreshTokenRecord | undefined>;
  readonly access: Map<string, AccessTokenRecord | undefined>;
}

interface Real {
  readonly store: StorePorts;
  readonly clock: FakeClock;
  readonly fresh: (kind: string) => string;
  readonly graceSeconds: number;
}

type Command = fc.AsyncCommand<LifecycleModel, Real>;

const accessLifetime = 600;
const refreshLifetime = 5_000;
const clients = ['client-a', 'client-b'] as const;
const redirectUri = 'https://client.example/cb';

const pick = <T>(xs: readonly T[], i: number): T | undefined => (xs.length === 0 ? undefined : xs[i % xs.length]);
const otherClient = (clientId: string): string => clients.find((c) => c !== clientId) ?? 'client-x';

/** Runs a rejection's effects (RFC 6749 §4.1.2, RFC 9700 §4.14.2: revoke the grant) on the store and the model. */
const revokeGrant = async (m: LifecycleModel, r: Real, grantId: string): Promise<void> => {
  await ok(r.store.refreshTokens.revokeGrant(grantId, m.now));
  await ok(r.store.accessTokens.revokeGrant(grantId, m.now));
  for (const [k, t] of m.refresh) if (t?.grantId === grantId && t.revokedAt === undefined) m.refresh.set(k, { ...t, revokedAt: m.now });
  for (const [k, t] of m.access) if (t?.grantId === grantId && t.revokedAt === undefined) m.access.set(k, { ...t, revokedAt: m.now });
};

const runEffects = async (m: LifecycleModel, r: Real, rejection: { readonly effects: readonly { readonly grantId: string }[] }): Promise<void> => {
  for (const effect of rejection.effects) await revokeGrant(m, r, effect.grantId);
};

const saveAccessToken = async (m: LifecycleModel, r: Real, grantId: string, clientId: string, scope: readonly string[]): Promise<void> => {
  const token: AccessTokenRecord = { id: r.fresh('at'), format: 'opaque', clientId, subject: 'alice', scope, grantId, issuedAt: m.now, expiresAt: m.now + accessLifetime };
  await ok(r.store.accessTokens.save(token));
  m.access.set(token.id, token);
};

/** Checks that the store agrees with the model on every access and refresh token it has seen. */
const agree = async (m: LifecycleModel, r: Real): Promise<void> => {
  for (const [id, t] of m.access) expect(await ok(r.store.accessTokens.find(id))).toStrictEqual(O.fromNullable(t));
  for (const [hash, t] of m.refresh) expect(await ok(r.store.refreshTokens.find(hash))).toStrictEqual(O.fromNullable(t));
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
  command(`IssueCode(${lifetime}s, ${clients[client % 2]})`, () => true, async (m, r) => {
    const verifier = r.fresh('verifier-with-enough-entropy-for-rfc7636');
    const record: AuthorizationCodeRecord = {
      codeHash: r.fresh('code'),
      grantId: r.fresh('grant'),
      clientId: clients[client % 2] ?? 'client-a',
      redirectUri,
      subject: 'alice',
      scope: ['read', 'offline_access'],
      pkce: { challenge: sha256Base64url(verifier), method: 'S256' },
      issuedAt: m.now,
      expiresAt: m.now + lifetime,
    };
    await ok(r.store.authorizationCodes.save(record));
    m.codes.set(record.codeHash, { record, verifier });
  });

type Presentation = 'right' | 'wrong-client' | 'wrong-verifier';

/** RFC 6749 §4.1.3 token request with a code: atomic redeem, then the core's judgement; success issues tokens. */
const redeemCode = (index: number, presentation: Presentation): Command =>
  command(`RedeemCode(${index}, ${presentation})`, (m) => m.codes.size > 0, async (m, r) => {
    const [hash, entry] = pick([...m.codes], index)!;
    const expected = codeLifecycle.redeemTransition(entry.record, m.now);
    const outcome = await ok(r.store.authorizationCodes.redeem(hash, m.now));
    expect(outcome).toStrictEqual(expected.outcome);
    entry.record = expected.next;
    const clientId = entry.record === undefined ? 'client-a' : presentation === 'wrong-client' ? otherClient(entry.record.clientId) : entry.record.clientId;
    const codeVerifier = presentation === 'wrong-verifier' ? entry.verifier + 'x' : entry.verifier;
    const judged = codeLifecycle.judgeCodeRedemption(outcome, { clientId, redirectUri, codeVerifier }, m.now, sha256Base64url);
    if (E.isLeft(judged)) return runEffects(m, r, judged.left);
    const code = judged.right;
    await saveAccessToken(m, r, code.grantId, code.clientId, code.scope);
    const refresh: RefreshTokenRecord = {
      tokenHash: r.fresh('rt'),
      grantId: code.grantId,
      clientId: code.clientId,
      subject: code.subject,
      scope: code.scope,
      grantedScope: code.scope,
      issuedAt: m.now,
      expiresAt: m.now + refreshLifetime,
    };
    await ok(r.store.refreshTokens.save(refresh));
    m.refresh.set(refresh.tokenHash, refresh);
  });

/** The atomic rotation and its judgement, for one request whose presentation was already judged acceptable. */
const rotate = async (m: LifecycleModel, r: Real, previous: RefreshTokenRecord, scope: readonly string[]): Promise<void> => {
  const successor = refreshFamily.successorOf(previous, { tokenHash: r.fresh('rt'), scope, now: m.now, lifetimeSeconds: refreshLifetime });
  const expected = refreshFamily.rotateTransition(m.refresh.get(previous.tokenHash), successor, m.now);
  const outcome = await ok(r.store.refreshTokens.rotate(previous.tokenHash, successor, m.now));
  expect(outcome).toStrictEqual(expected.outcome);
  m.refresh.set(previous.tokenHash, expected.next);
  if (outcome._tag === 'Rotated') m.refresh.set(successor.tokenHash, successor);
  const judged = refreshFamily.judgeRotateOutcome(outcome, m.now, r.graceSeconds);
  if (E.isLeft(judged)) return runEffects(m, r, judged.left);
  await saveAccessToken(m, r, successor.grantId, successor.clientId, successor.scope);
};

/** RFC 6749 §6 refresh request: find, the core's judgement of the presentation, then the atomic rotation. */
const presentRefresh = (label: string, choose: (m: Readonly<LifecycleModel>) => string[], index: number, wrongClient = false): Command =>
  command(`${label}(${index}${wrongClient ? ', wrong client' : ''})`, (m) => choose(m).length > 0, async (m, r) => {
    const hash = pick(choose(m), index)!;
    const found = await ok(r.store.refreshTokens.find(hash));
    expect(found).toStrictEqual(O.fromNullable(m.refresh.get(hash)));
    const record = O.toUndefined(found);
    const clientId = record === undefined ? 'client-a' : wrongClient ? otherClient(record.clientId) : record.clientId;
    const judged = refreshFamily.judgeRefreshPresentation(record, { clientId }, m.now, r.graceSeconds);
    if (E.isLeft(judged)) return runEffects(m, r, judged.left);
    await rotate(m, r, judged.right.record, judged.right.scope);
  });

/** Two refresh requests with the same token whose presentations are both judged before either rotates. */
const doubleSubmit = (index: number): Command =>
  command(`DoubleSubmit(${index})`, (m) => activeTokens(m).length > 0, async (m, r) => {
    const record = m.refresh.get(pick(activeTokens(m), index)!)!;
    const judged = refreshFamily.judgeRefreshPresentation(record, { clientId: record.clientId }, m.now, r.graceSeconds);
    if (E.isLeft(judged)) return runEffects(m, r, judged.left);
    await rotate(m, r, judged.right.record, judged.right.scope);
    await rotate(m, r, judged.right.record, judged.right.scope);
  });

const allTokens = (m: Readonly<LifecycleModel>): string[] => [...m.refresh.keys()];
const activeTokens = (m: Readonly<LifecycleModel>): string[] =>
  [...m.refresh].filter(([, t]) => t !== undefined && refreshFamily.refreshStatus(t, m.now) === 'active').map(([k]) => k);
const rotatedTokens = (m: Readonly<LifecycleModel>): string[] => [...m.refresh].filter(([, t]) => t?.rotatedAt !== undefined).map(([k]) => k);

const revokeFamily = (index: number): Command =>
  command(`RevokeFamily(${index})`, (m) => [...m.refresh.values()].some((t) => t !== undefined), async (m, r) => {
    const live = [...m.refresh.values()].filter((t): t is RefreshTokenRecord => t !== undefined);
    await revokeGrant(m, r, pick(live, index)!.grantId);
  });

const advanceClock = (seconds: number): Command =>
  command(`AdvanceClock(${seconds}s)`, () => true, async (m, r) => {
    r.clock.advance(seconds);
    m.now = r.clock.now();
  });

/** The sweeper removes rows with `expiresAt <= now` (the core's own notion of expired: `now >= expiresAt`). */
const sweep: Command = command('Sweep', () => true, async (m, r) => {
  while ((await ok(r.store.sweeper.sweep(m.now))) > 0);
  for (const entry of m.codes.values()) if (entry.record !== undefined && entry.record.expiresAt <= m.now) entry.record = undefined;
  for (const table of [m.refresh, m.access] as Map<string, { readonly expiresAt: number } | undefined>[])
    for (const [k, t] of table) if (t !== undefined && t.expiresAt <= m.now) table.set(k, undefined);
});

export const lifecycleCommandsArb = (maxCommands: number): fc.Arbitrary<Iterable<Command>> => {
  const issue = fc.tuple(fc.integer({ min: 1, max: 600 }), fc.nat(1)).map(([lifetime, client]) => issueCode(lifetime, client));
  const redeem = fc.tuple(fc.nat(), fc.constantFrom<Presentation>('right', 'wrong-client', 'wrong-verifier')).map(([i, p]) => redeemCode(i, p));
  const redeemRight = fc.nat().map((i) => redeemCode(i, 'right'));
  const refreshAny = fc.tuple(fc.nat(), fc.boolean()).map(([i, wrong]) => presentRefresh('Refresh', allTokens, i, wrong));
  const refreshActive = fc.nat().map((i) => presentRefresh('RefreshActive', activeTokens, i));
  const replay = fc.nat().map((i) => presentRefresh('ReplayRotated', rotatedTokens, i));
  const tick = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 60 }) }, { weight: 1, arbitrary: fc.integer({ min: 61, max: 6_000 }) }).map(advanceClock);
  // Repeated entries weigh the choice towards the commands that move lifecycles forward.
  return fc.commands(
    [issue, issue, redeem, redeemRight, redeemRight, refreshAny, refreshActive, refreshActive, replay, fc.nat().map(doubleSubmit), fc.nat().map(revokeFamily), tick, tick, fc.constant(sweep)],
    { maxCommands, size: '+1' },
  );
};

export interface LifecycleModelOptions {
  /** fast-check runs (default 100); each run uses a fresh store from `makeStore`. */
  readonly numRuns?: number;
  /** Longest command sequence (default 40). */
  readonly maxCommands?: number;
  /**
   * `run` (default): a fresh store per fast-check run. `suite`: one store for every run (each run uses its own random
   * ids, so runs do not see each other's tokens); cheaper for databases.
   */
  readonly isolation?: 'run' | 'suite';
}

/**
 * Registers `lifecycle model: <name>` with vitest: random command sequences run against a fresh store each, the
 * core's lifecycle functions judging, the store checked against the model after every command.
 */
export const lifecycleModelSuite = (name: string, makeStore: () => Promise<StoreUnderTest>, options: LifecycleModelOptions = {}): void => {
  const shared = options.isolation === 'suite';
  let suiteStore: Promise<StoreUnderTest> | undefined;
  const acquire = (): Promise<StoreUnderTest> => (shared ? (suiteStore ??= makeStore()) : makeStore());
  const release = async (store: StoreUnderTest): Promise<void> => {
    if (!shared) await store.cleanup?.();
  };

  describe(`lifecycle model: ${name}`, () => {
    afterAll(async () => {
      if (suiteStore !== undefined) await (await suiteStore).cleanup?.();
    });

    it('codes are single-use, refresh families rotate and are revoked on reuse, the sweeper removes only expired tokens', async () => {
      await fc.assert(
        fc.asyncProperty(lifecycleCommandsArb(options.maxCommands ?? 40), fc.constantFrom(0, 30), async (commands, graceSeconds) => {
          const store = await acquire();
          const prefix = randomBytes(6).toString('base64url');
          let counter = 0;
          const clock = fakeClock(t0);
          try {
            await fc.asyncModelRun(
              () => ({
                model: { now: clock.now(), codes: new Map(), refresh: new Map(), access: new Map() },
                real: { store, clock, graceSeconds, fresh: (kind: string) => `${kind}-${prefix}-${++counter}` },
              }),
              commands,
            );
          } finally {
            await release(store);
          }
        }),
        { numRuns: options.numRuns ?? 100 },
      );
    });
  });
};
