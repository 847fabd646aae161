/**
 * The server wrapper: every entry point of an `AuthorizationServer` built over the model's ports runs in its own unit
 * of work (`work.ts`), and token requests end by saving their tokens through the model (`finish-tokens.ts`).
 */
import type { AuthorizationServer, HttpRequest, HttpResponse } from '@grantor/core';
import { internalError } from '@grantor/node';
import { finishTokens } from './finish-tokens.js';
import type { ModelDeps } from './ports/shared.js';
import { factsOf, newWork, runInWork, type RequestFacts, type Work } from './work.js';

const noFacts: RequestFacts = { codeVerifier: false };

/** The redirect carries the model's code when `generateAuthorizationCode` made one (Grantor minted its own first). */
const withModelCode = (work: Work, response: HttpResponse): HttpResponse => {
  if (response._tag !== 'Redirect' || work.codeValues.size === 0) return response;
  try {
    const url = new URL(response.location);
    const code = url.searchParams.get('code');
    const replacement = code === null ? undefined : work.codeValues.get(code);
    if (replacement === undefined) return response;
    url.searchParams.set('code', replacement);
    return { ...response, location: url.toString() };
  } catch {
    return response;
  }
};

/** A request's outcome and what the model said during it. */
export interface ModelRun {
  readonly response: HttpResponse;
  readonly work: Work;
}

/**
 * Runs `call` in a fresh unit of work for `req` (facts read from it), then saves pending tokens and swaps in a
 * model-generated code. `prepare` may seed the work (the drop-in's user). Never rejects.
 */
export const runModelRequest = async (
  deps: ModelDeps,
  server: Pick<AuthorizationServer, 'config'>,
  req: HttpRequest | undefined,
  call: () => Promise<HttpResponse>,
  prepare?: (work: Work) => void,
): Promise<ModelRun> => {
  const work = newWork(req === undefined ? noFacts : factsOf(req, server.config.routes.authorization));
  try {
    prepare?.(work);
    const response = await runInWork(work, call);
    return { response: withModelCode(work, await finishTokens(deps, work, response)), work };
  } catch (cause) {
    deps.logger.log('error', 'oauth2-server model: request failed unexpectedly', { cause });
    return { response: internalError(), work };
  }
};

/** Runs a host-facing call (no HTTP request) in a unit of work. */
const inWork = <A>(call: () => Promise<A>): Promise<A> => runInWork(newWork(noFacts), call);

/**
 * Wraps a server built with `{ ...runtime, ...store }` so that every entry point — `handle`, each route's `handle`,
 * `bearer`, the interaction and device APIs — runs in a unit of work. The ports refuse to work outside one.
 */
export const wrapServer = (deps: ModelDeps, server: AuthorizationServer): AuthorizationServer => {
  const handled = (req: HttpRequest, call: () => Promise<HttpResponse>) => runModelRequest(deps, server, req, call).then((run) => run.response);
  const hosted = (call: () => Promise<HttpResponse>) => runModelRequest(deps, server, undefined, call).then((run) => run.response);
  const { interactions, device } = server;
  return {
    ...server,
    routes: server.routes.map((route) => ({ ...route, handle: (req: HttpRequest) => handled(req, () => route.handle(req)) })),
    handle: (req) => handled(req, () => server.handle(req)),
    bearer: (req, options) => inWork(() => server.bearer(req, options)),
    interactions: {
      details: (id) => inWork(() => interactions.details(id)),
      finish: (id, result) => hosted(() => interactions.finish(id, result)),
      deny: (id) => hosted(() => interactions.deny(id)),
      ...(interactions.fail === undefined ? {} : { fail: (id: string, error: Parameters<NonNullable<typeof interactions.fail>>[1]) => hosted(() => interactions.fail?.(id, error) ?? interactions.deny(id)) }),
    },
    device: {
      lookup: (userCode) => inWork(() => device.lookup(userCode)),
      approve: (userCode, result) => inWork(() => device.approve(userCode, result)),
      deny: (userCode) => inWork(() => device.deny(userCode)),
    },
  };
};
