/**
 * The model object of `@node-oauth/oauth2-server` (v4 and v5), as its specification describes it, and the one place
 * that calls it. A model function may return a value, return a promise, or (v4) take a trailing Node-style callback;
 * every optional function is looked up at call time, so a model is used exactly as it is.
 */

/** What a model returns for "no such thing" (the specification's `Falsey`). */
export type Falsey = '' | 0 | false | null | undefined;

/** A Node-style callback (v4 models). */
export type ModelCallback<R> = (error: unknown, value?: R) => void;

/** A model function: returns `R` or a promise of it, or (v4) takes a trailing callback. */
export type ModelFunction<A extends readonly unknown[], R> =
  | ((...args: A) => R | PromiseLike<R>)
  | ((...args: [...A, ModelCallback<R>]) => unknown);

/** A user object: opaque to the library and to this adapter, only handed back to model functions. */
export type ModelUser = Record<string, unknown>;

/** A client object (specification: `id`, `redirectUris`, `grants`, optional lifetimes; anything else is kept). */
export interface ModelClient {
  readonly id: string;
  readonly redirectUris?: string | readonly string[];
  readonly grants: string | readonly string[];
  readonly accessTokenLifetime?: number;
  readonly refreshTokenLifetime?: number;
  readonly [key: string]: unknown;
}

/** Scope as a model sees it: an array of strings (v5) or a space-delimited string (v4). */
export type ModelScope = readonly string[] | string;

/** An access token (and optionally its refresh token) as `saveToken` receives and `getAccessToken` returns it. */
export interface ModelToken {
  readonly accessToken: string;
  readonly accessTokenExpiresAt?: Date;
  readonly refreshToken?: string;
  readonly refreshTokenExpiresAt?: Date;
  readonly scope?: ModelScope;
  readonly client: ModelClient;
  readonly user: ModelUser;
  readonly [key: string]: unknown;
}

/** A refresh token as `getRefreshToken` returns it and `revokeToken` receives it. */
export interface ModelRefreshToken {
  readonly refreshToken: string;
  readonly refreshTokenExpiresAt?: Date;
  readonly scope?: ModelScope;
  readonly client: ModelClient;
  readonly user: ModelUser;
  readonly [key: string]: unknown;
}

/** An authorization code as `getAuthorizationCode` returns it and `revokeAuthorizationCode` receives it. */
export interface ModelAuthorizationCode {
  readonly authorizationCode: string;
  readonly expiresAt: Date;
  readonly redirectUri: string;
  readonly scope?: ModelScope;
  readonly client: ModelClient;
  readonly user: ModelUser;
  readonly codeChallenge?: string;
  readonly codeChallengeMethod?: string;
  readonly [key: string]: unknown;
}

/** What `saveAuthorizationCode` receives as its first argument. */
export interface NewAuthorizationCode {
  readonly authorizationCode: string;
  readonly expiresAt: Date;
  readonly redirectUri: string;
  readonly scope: ModelScope;
  readonly codeChallenge?: string;
  readonly codeChallengeMethod?: string;
}

/** What `saveToken` receives as its first argument. */
export interface NewToken {
  readonly accessToken: string;
  readonly accessTokenExpiresAt: Date;
  readonly refreshToken?: string;
  readonly refreshTokenExpiresAt?: Date;
  readonly scope: ModelScope;
  readonly authorizationCode?: string;
}

/** Each model function's arguments and result, as the specification defines them. */
export interface ModelSignatures {
  readonly getClient: readonly [args: [clientId: string, clientSecret: string | null], result: ModelClient | Falsey];
  readonly saveToken: readonly [args: [token: NewToken, client: ModelClient, user: ModelUser], result: ModelToken | Falsey];
  readonly getAccessToken: readonly [args: [accessToken: string], result: ModelToken | Falsey];
  readonly verifyScope: readonly [args: [token: ModelToken, scope: ModelScope], result: boolean];
  readonly getAuthorizationCode: readonly [args: [authorizationCode: string], result: ModelAuthorizationCode | Falsey];
  readonly saveAuthorizationCode: readonly [args: [code: NewAuthorizationCode, client: ModelClient, user: ModelUser], result: ModelAuthorizationCode | Falsey];
  readonly revokeAuthorizationCode: readonly [args: [code: ModelAuthorizationCode], result: boolean];
  readonly getRefreshToken: readonly [args: [refreshToken: string], result: ModelRefreshToken | Falsey];
  readonly revokeToken: readonly [args: [token: ModelRefreshToken], result: boolean];
  readonly getUser: readonly [args: [username: string, password: string, client: ModelClient], result: ModelUser | Falsey];
  readonly getUserFromClient: readonly [args: [client: ModelClient], result: ModelUser | Falsey];
  readonly validateScope: readonly [args: [user: ModelUser, client: ModelClient, scope: ModelScope | undefined], result: ModelScope | Falsey];
  readonly validateRedirectUri: readonly [args: [redirectUri: string, client: ModelClient], result: boolean];
  readonly generateAccessToken: readonly [args: [client: ModelClient, user: ModelUser, scope: ModelScope], result: string];
  readonly generateRefreshToken: readonly [args: [client: ModelClient, user: ModelUser, scope: ModelScope], result: string];
  readonly generateAuthorizationCode: readonly [args: [client: ModelClient, user: ModelUser, scope: ModelScope], result: string];
}

export type ModelFunctionName = keyof ModelSignatures;

type Fn<N extends ModelFunctionName> = ModelFunction<ModelSignatures[N][0], ModelSignatures[N][1]>;

/**
 * An `@node-oauth/oauth2-server` model (v4 or v5). Only `getClient` and `saveToken` are always required; each grant
 * needs its own functions (see `supportedGrantTypes`). Functions may be promise-returning, plain, or callback-style.
 * `revokeAuthorizationCode` and `revokeToken` carry single use: they must return a truthy value for exactly one caller.
 */
export interface OAuth2ServerModel {
  readonly getClient: Fn<'getClient'>;
  readonly saveToken: Fn<'saveToken'>;
  readonly getAccessToken?: Fn<'getAccessToken'>;
  readonly verifyScope?: Fn<'verifyScope'>;
  readonly getAuthorizationCode?: Fn<'getAuthorizationCode'>;
  readonly saveAuthorizationCode?: Fn<'saveAuthorizationCode'>;
  readonly revokeAuthorizationCode?: Fn<'revokeAuthorizationCode'>;
  readonly getRefreshToken?: Fn<'getRefreshToken'>;
  readonly revokeToken?: Fn<'revokeToken'>;
  readonly getUser?: Fn<'getUser'>;
  readonly getUserFromClient?: Fn<'getUserFromClient'>;
  readonly validateScope?: Fn<'validateScope'>;
  readonly validateRedirectUri?: Fn<'validateRedirectUri'>;
  readonly generateAccessToken?: Fn<'generateAccessToken'>;
  readonly generateRefreshToken?: Fn<'generateRefreshToken'>;
  readonly generateAuthorizationCode?: Fn<'generateAuthorizationCode'>;
}

/** True when the model implements `name`. */
export const hasFunction = (model: OAuth2ServerModel, name: ModelFunctionName): boolean => typeof model[name] === 'function';

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';

/**
 * Calls `model[name](...args)` with `this = model` and settles once: a function declaring more parameters than
 * `args` gets a trailing callback (how v4 told the two apart), otherwise its return value (or promise) is the result.
 * Throws, rejections and callback errors all reject. A missing function rejects too (callers check first).
 */
export const callModel = <N extends ModelFunctionName>(
  model: OAuth2ServerModel,
  name: N,
  ...args: ModelSignatures[N][0]
): Promise<ModelSignatures[N][1]> =>
  new Promise((resolve, reject) => {
    const fn = model[name] as ((...a: unknown[]) => unknown) | undefined;
    if (typeof fn !== 'function') {
      reject(new TypeError(`the model does not implement ${name}()`));
      return;
    }
    let settled = false;
    const settle = (error: unknown, value?: unknown) => {
      if (settled) return;
      settled = true;
      if (error !== null && error !== undefined) reject(error);
      else resolve(value as ModelSignatures[N][1]);
    };
    const usesCallback = fn.length > args.length;
    try {
      const returned = usesCallback ? fn.apply(model, [...args, settle]) : fn.apply(model, args);
      if (isThenable(returned)) returned.then((value) => settle(null, value), (error: unknown) => settle(error ?? new Error(`${name}() rejected`)));
      else if (!usesCallback) settle(null, returned);
    } catch (error) {
      settle(error ?? new Error(`${name}() threw`));
    }
  });

/**
 * The grant types a model can serve, per the specification's requirements: `authorization_code` needs
 * `getAuthorizationCode`, `saveAuthorizationCode` and `revokeAuthorizationCode`; `refresh_token` needs
 * `getRefreshToken` and `revokeToken`; `client_credentials` needs `getUserFromClient`; `password` needs `getUser`.
 */
export const supportedGrantTypes = (model: OAuth2ServerModel): readonly string[] => [
  ...(hasFunction(model, 'getAuthorizationCode') && hasFunction(model, 'saveAuthorizationCode') && hasFunction(model, 'revokeAuthorizationCode') ? ['authorization_code'] : []),
  ...(hasFunction(model, 'getRefreshToken') && hasFunction(model, 'revokeToken') ? ['refresh_token'] : []),
  ...(hasFunction(model, 'getUserFromClient') ? ['client_credentials'] : []),
  ...(hasFunction(model, 'getUser') ? ['password'] : []),
];
