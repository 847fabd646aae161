import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import { invalidRequest, type OAuthError } from '../errors/oauth-error.js';

/**
 * The core's small codec vocabulary. io-ts is imported here (and only inside `src/codec`); grants and endpoints
 * describe their parameters with these names and decode through `decodeParams`.
 */
export type Codec<A> = t.Type<A, unknown, unknown>;
export type TypeOf<C> = C extends t.Type<infer A, unknown, unknown> ? A : never;

/** A parameter that is present and non-empty (RFC 6749 §3.1: empty parameters are treated as omitted). */
export const nonEmptyString: Codec<string> = new t.Type<string, unknown, unknown>(
  'non-empty string',
  (u): u is string => typeof u === 'string' && u.length > 0,
  (u, c) => (typeof u === 'string' && u.length > 0 ? t.success(u) : t.failure(u, c)),
  (a) => a,
);


// `t.Mixed`, not `Codec<unknown>`: a `Codec<string>` is not a `Codec<unknown>` under strictFunctionTypes (encode).
type Props = Record<string, t.Mixed>;
type Required<R extends Props> = { readonly [K in keyof R]: TypeOf<R[K]> };
type Optional<O extends Props> = { readonly [K in keyof O]?: TypeOf<O[K]> };

/** A record with required and optional members (optional members may be absent, never `undefined`). */
export const struct = <R extends Props, O extends Props = Record<never, never>>(
  name: string,
  required: R,
  optional?: O,
): Codec<Required<R> & Optional<O>> =>
  (optional === undefined
    ? t.type(required as t.Props, name)
    : t.intersection([t.type(required as t.Props), t.partial(optional as t.Props)], name)) as unknown as Codec<Required<R> & Optional<O>>;

const describePath = (errors: t.Errors): string => {
  const first = errors[0];
  if (first === undefined) return 'invalid parameters';
  const key = first.context
    .map((c) => c.key)
    .filter((k) => k !== '' && !/^\d+$/.test(k))
    .join('.');
  return key === '' ? 'invalid parameters' : key;
};

/**
 * Decodes request parameters (form fields with empty values already dropped). A missing or malformed parameter is
 * `invalid_request` naming the parameter (RFC 6749 §5.2).
 */
export const decodeParams = <A>(codec: Codec<A>, params: Readonly<Record<string, string>>): E.Either<OAuthError, A> =>
  pipe(
    codec.decode(params),
    E.mapLeft((errors) => {
      const name = describePath(errors);
      return invalidRequest(
        params[name] === undefined ? `The ${name} parameter is missing.` : `The ${name} parameter is invalid.`,
        `codec ${codec.name} rejected ${name}`,
      );
    }),
  );


