/**
 * An in-memory oauth2-server model written from the model specification (for tests): clients with clear secrets,
 * users with clear passwords (a real model hashes them), tokens and codes in maps. Every call is logged. `style`
 * chooses how functions answer: promises (v5), Node callbacks (v4), or plain values.
 */
import type { ModelAuthorizationCode, ModelClient, NewAuthorizationCode, ModelRefreshToken, ModelToken, ModelUser, OAuth2ServerModel } from '../model.js';

export interface SeedClient {
  readonly id: string;
  readonly secret?: string;
  readonly redirectUris: readonly string[];
  readonly grants: readonly string[];
  /** Scopes the client may get (`validateScope` allows exactly these); its default scope when none is asked for. */
  readonly scopes: readonly string[];
}

export interface SeedUser {
  readonly id: string;
  readonly username: string;
  readonly password: string;
}

export interface MemoryModelOptions {
  readonly style?: 'promise' | 'callback' | 'plain';
  /** Implement `validateScope` (default true). */
  readonly validateScope?: boolean;
  /** Implement `generateAccessToken` / `generateRefreshToken` / `generateAuthorizationCode` (default false). */
  readonly generators?: boolean;
  /** Scope strings (v4) instead of arrays in what the model stores and returns. */
  readonly scopeStrings?: boolean;
}

interface ModelCall {
  readonly name: string;
  readonly args: readonly unknown[];
}

export interface MemoryModel {
  readonly model: OAuth2ServerModel;
  readonly calls: ModelCall[];
  readonly accessTokens: Map<string, ModelToken>;
  readonly refreshTokens: Map<string, ModelRefreshToken>;
  readonly codes: Map<string, ModelAuthorizationCode>;
}

type Plain = (...args: never[]) => unknown;

/** The number of arguments the specification gives each function (a v4 callback comes after them). */
const arities: Readonly<Record<string, number>> = {
  getClient: 2,
  saveToken: 3,
  getAccessToken: 1,
  verifyScope: 2,
  getAuthorizationCode: 1,
  saveAuthorizationCode: 3,
  revokeAuthorizationCode: 1,
  getRefreshToken: 1,
  revokeToken: 1,
  getUser: 3,
  getUserFromClient: 1,
  validateScope: 3,
  generateAccessToken: 3,
  generateRefreshToken: 3,
  generateAuthorizationCode: 3,
};

export const memoryModel = (clients: readonly SeedClient[], users: readonly SeedUser[], options: MemoryModelOptions = {}): MemoryModel => {
  const calls: ModelCall[] = [];
  const accessTokens = new Map<string, ModelToken>();
  const refreshTokens = new Map<string, ModelRefreshToken>();
  const codes = new Map<string, ModelAuthorizationCode>();
  let generated = 0;
  const publicClient = (c: SeedClient): ModelClient => ({ id: c.id, redirectUris: [...c.redirectUris], grants: [...c.grants], scopes: [...c.scopes] });
  const scopeOut = (scope: unknown) => (options.scopeStrings === true && Array.isArray(scope) ? scope.join(' ') : scope);
  const asList = (scope: unknown): readonly string[] => (Array.isArray(scope) ? scope : typeof scope === 'string' ? scope.split(' ').filter((s) => s !== '') : []);

  const functions: Record<string, Plain> = {
    getClient: (clientId: string, clientSecret: string | null) => {
      const client = clients.find((c) => c.id === clientId);
      if (client === undefined) return null;
      if (clientSecret !== null && clientSecret !== undefined && client.secret !== clientSecret) return null;
      return publicClient(client);
    },
    saveToken: (token: ModelToken, client: ModelClient, user: ModelUser) => {
      const saved = { ...token, scope: scopeOut(token.scope), client, user } as ModelToken;
      accessTokens.set(token.accessToken, saved);
      if (token.refreshToken !== undefined) {
        refreshTokens.set(token.refreshToken, {
          refreshToken: token.refreshToken,
          ...(token.refreshTokenExpiresAt === undefined ? {} : { refreshTokenExpiresAt: token.refreshTokenExpiresAt }),
          ...(saved.scope === undefined ? {} : { scope: saved.scope }),
          client,
          user,
        });
      }
      return saved;
    },
    getAccessToken: (accessToken: string) => accessTokens.get(accessToken) ?? null,
    verifyScope: (token: ModelToken, scope: unknown) => asList(scope).every((s) => asList(token.scope).includes(s)),
    getAuthorizationCode: (code: string) => codes.get(code) ?? null,
    saveAuthorizationCode: (code: NewAuthorizationCode, client: ModelClient, user: ModelUser) => {
      const saved = { ...code, scope: scopeOut(code.scope), client, user } as ModelAuthorizationCode;
      codes.set(code.authorizationCode, saved);
      return saved;
    },
    revokeAuthorizationCode: (code: ModelAuthorizationCode) => codes.delete(code.authorizationCode),
    getRefreshToken: (refreshToken: string) => refreshTokens.get(refreshToken) ?? null,
    revokeToken: (token: ModelRefreshToken) => refreshTokens.delete(token.refreshToken),
    getUser: (username: string, password: string) => {
      const user = users.find((u) => u.username.toLowerCase() === username.toLowerCase() && u.password === password);
      return user === undefined ? null : { id: user.id, username: user.username };
    },
    getUserFromClient: () => ({}),
    ...(options.validateScope === false
      ? {}
      : {
          validateScope: (_user: ModelUser, client: ModelClient, scope: unknown) => {
            const allowed = asList(client['scopes']);
            if (scope === undefined) return scopeOut(allowed.filter((s) => s !== 'openid' && s !== 'offline_access'));
            const requested = asList(scope);
            return requested.every((s) => allowed.includes(s)) ? scopeOut(requested) : false;
          },
        }),
    ...(options.generators === true
      ? {
          generateAccessToken: () => `model-at-${(generated += 1)}`,
          generateRefreshToken: () => `model-rt-${(generated += 1)}`,
          generateAuthorizationCode: () => `model-code-${(generated += 1)}`,
        }
      : {}),
  };

  const style = options.style ?? 'promise';
  const model: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(functions)) {
    const logged = (...args: unknown[]) => {
      calls.push({ name, args });
      return (fn as (...a: unknown[]) => unknown)(...args);
    };
    const arity = arities[name] ?? fn.length;
    if (style === 'plain') model[name] = Object.defineProperty((...args: unknown[]) => logged(...args), 'length', { value: arity });
    else if (style === 'promise') model[name] = Object.defineProperty(async (...args: unknown[]) => logged(...args), 'length', { value: arity });
    else {
      // v4: a trailing Node-style callback, answered on a later tick.
      model[name] = Object.defineProperty(
        (...args: unknown[]) => {
          const callback = args[arity] as (error: unknown, value?: unknown) => void;
          setImmediate(() => {
            try {
              callback(null, logged(...args.slice(0, arity)));
            } catch (error) {
              callback(error);
            }
          });
        },
        'length',
        { value: arity + 1 },
      );
    }
  }
  return { model: model as unknown as OAuth2ServerModel, calls, accessTokens, refreshTokens, codes };
};
