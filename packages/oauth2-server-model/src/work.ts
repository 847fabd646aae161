/**
 * The unit of work of one request. Grantor's ports see hashes and ids only; a model needs more: the client secret it
 * checks itself (`getClient(id, secret)`), the real token values (`getAccessToken(token)`), the user object of the
 * request, and one `saveToken` call for an access token and its refresh token together. The adapter keeps these in
 * a per-request record carried by `AsyncLocalStorage` from the server wrapper (`wrap.ts`) to the ports.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { HttpRequest } from '@grantor/core';
import type { AccessTokenRecord, RefreshTokenRecord } from '@grantor/core/extend';
import { decodeFormComponent, parseFormText, utf8Decode } from '@grantor/core/extend';
import type { ModelAuthorizationCode, ModelClient, ModelRefreshToken, ModelToken, ModelUser } from './model.js';
import { scopeFromModel } from './mapping.js';

/** The client credentials a request presented (RFC 6749 §2.3.1), before anyone checked them. */
interface PresentedClient {
  readonly clientId: string;
  /** Absent for a request that only names its client (`client_id` without a secret). */
  readonly secret?: string;
  readonly method: 'client_secret_basic' | 'client_secret_post' | 'none';
}

/** What the wrapper reads from a request before Grantor handles it. */
export interface RequestFacts {
  readonly client?: PresentedClient;
  readonly grantType?: string;
  /** The requested scope; `undefined` when the request has no `scope` parameter. */
  readonly scope?: readonly string[];
  /** The `redirect_uri` of an authorization request (checked with the model's `validateRedirectUri`). */
  readonly redirectUri?: string;
  /** True for a token request carrying a `code_verifier` (RFC 7636; v5 then lets a client omit its secret). */
  readonly codeVerifier: boolean;
}

/** A refresh token this request rotated: the presented token's hash and its record (family bookkeeping). */
interface Rotation {
  readonly previous: RefreshTokenRecord;
}

/** Everything one request learned from, or owes to, the model. */
export interface Work {
  readonly facts: RequestFacts;
  /** `hash → value` of every bearer value hashed during this request (the model is keyed by values). */
  readonly preimages: Map<string, string>;
  /** Model clients loaded during this request, by id. */
  readonly clients: Map<string, ModelClient>;
  /** The user of this request (from the code, the refresh token, `getUser`, or the host). */
  user?: ModelUser;
  /** Set when the host already checked the scope with `validateScope` (the drop-in's authorize). */
  scopeValidated?: boolean;
  readonly codes: Map<string, ModelAuthorizationCode>;
  readonly refreshTokens: Map<string, ModelRefreshToken>;
  readonly accessTokens: Map<string, ModelToken>;
  /** Tokens Grantor issued in this request, saved with one `saveToken` call when the request ends. */
  pendingAccess?: AccessTokenRecord;
  pendingRefresh?: RefreshTokenRecord;
  rotation?: Rotation;
  /** What `saveToken` / `saveAuthorizationCode` returned (the drop-in returns these, as oauth2-server does). */
  savedToken?: ModelToken;
  savedCode?: ModelAuthorizationCode;
  /** `Grantor's value → model-generated value` for codes (the redirect carries the model's). */
  readonly codeValues: Map<string, string>;
}

const storage = new AsyncLocalStorage<Work>();

export const newWork = (facts: RequestFacts): Work => ({
  facts,
  preimages: new Map(),
  clients: new Map(),
  codes: new Map(),
  refreshTokens: new Map(),
  accessTokens: new Map(),
  codeValues: new Map(),
});

/** Runs `fn` with `work` as the current unit of work. */
export const runInWork = <A>(work: Work, fn: () => Promise<A>): Promise<A> => storage.run(work, fn);

/** The unit of work of the running request, if any. */
export const currentWork = (): Work | undefined => storage.getStore();

/** RFC 6749 §2.3.1 Basic credentials: both parts form-urlencoded inside base64. `undefined` when absent or broken. */
const basicCredentials = (authorization: string | undefined): { readonly clientId: string; readonly secret: string } | undefined => {
  const match = /^\s*basic\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (match === null) return undefined;
  const text = Buffer.from(match[1] ?? '', 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  const clientId = decodeFormComponent(text.slice(0, colon));
  const secret = decodeFormComponent(text.slice(colon + 1));
  return clientId === undefined || secret === undefined || clientId === '' || secret === '' ? undefined : { clientId, secret };
};

/** The parameters of a request: the form body of a POST, else the query. Only first values; broken input is empty. */
const paramsOf = (req: HttpRequest): Readonly<Record<string, string>> => {
  const text = req.method === 'POST' ? (req.body === undefined ? '' : (utf8Decode(req.body) ?? '')) : req.query;
  const parsed = parseFormText(text);
  if (parsed._tag === 'Left') return {};
  return parsed.right;
};

/** Reads the facts the ports need from a request (never throws: anything unreadable is simply absent). */
export const factsOf = (req: HttpRequest, authorizationPath: string): RequestFacts => {
  const params = paramsOf(req);
  const basic = basicCredentials(req.headers['authorization']);
  const formId = params['client_id'];
  const client: PresentedClient | undefined =
    basic !== undefined
      ? { clientId: basic.clientId, secret: basic.secret, method: 'client_secret_basic' }
      : formId !== undefined && params['client_secret'] !== undefined
        ? { clientId: formId, secret: params['client_secret'], method: 'client_secret_post' }
        : formId !== undefined
          ? { clientId: formId, method: 'none' }
          : undefined;
  const scope = params['scope'];
  const redirectUri = req.path === authorizationPath ? params['redirect_uri'] : undefined;
  return {
    ...(client === undefined ? {} : { client }),
    ...(params['grant_type'] === undefined ? {} : { grantType: params['grant_type'] }),
    ...(scope === undefined ? {} : { scope: scopeFromModel(scope) }),
    ...(redirectUri === undefined ? {} : { redirectUri }),
    codeVerifier: params['code_verifier'] !== undefined,
  };
};
