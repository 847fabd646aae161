/**
 * Token lifecycles as sequences of events: what happens to authorization codes and refresh-token families over time.
 * A test replays a sequence against a store (or the core and a store) and against a model, and compares.
 */
import fc from 'fast-check';

/**
 * One event of a lifecycle. Codes and refresh tokens are referred to by index into the ones issued so far (modulo the
 * count, so any index is valid once something was issued); `rightClient: false` presents another client's id.
 */
export type LifecycleEvent =
  | { readonly _tag: 'IssueCode'; readonly lifetime: number }
  | { readonly _tag: 'RedeemCode'; readonly code: number; readonly rightClient: boolean }
  | { readonly _tag: 'Rotate'; readonly token: number }
  /** Presents a refresh token that has already been rotated (reuse, RFC 9700 §4.14.2). */
  | { readonly _tag: 'ReplayRotated'; readonly token: number }
  | { readonly _tag: 'RevokeFamily'; readonly token: number }
  | { readonly _tag: 'AdvanceClock'; readonly seconds: number }
  | { readonly _tag: 'Sweep' };

export const lifecycleEventArb: fc.Arbitrary<LifecycleEvent> = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 600 }).map((lifetime) => ({ _tag: 'IssueCode' as const, lifetime })) },
  { weight: 3, arbitrary: fc.record({ code: fc.nat(), rightClient: fc.boolean() }).map((e) => ({ _tag: 'RedeemCode' as const, ...e })) },
  { weight: 3, arbitrary: fc.nat().map((token) => ({ _tag: 'Rotate' as const, token })) },
  { weight: 2, arbitrary: fc.nat().map((token) => ({ _tag: 'ReplayRotated' as const, token })) },
  { weight: 1, arbitrary: fc.nat().map((token) => ({ _tag: 'RevokeFamily' as const, token })) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 3600 }).map((seconds) => ({ _tag: 'AdvanceClock' as const, seconds })) },
  { weight: 1, arbitrary: fc.constant({ _tag: 'Sweep' as const }) },
);

/** A lifecycle: a sequence of events, starting with at least one issued code. */
export const tokenLifecycleArb = (options: { readonly maxLength?: number } = {}): fc.Arbitrary<readonly LifecycleEvent[]> =>
  fc
    .tuple(fc.integer({ min: 1, max: 600 }), fc.array(lifecycleEventArb, { maxLength: options.maxLength ?? 40 }))
    .map(([lifetime, rest]) => [{ _tag: 'IssueCode' as const, lifetime }, ...rest]);
