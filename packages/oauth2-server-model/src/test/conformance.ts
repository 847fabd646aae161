import { createServer } from 'node:http';
import express from 'express';
import Koa, { type Middleware } from 'koa';
import type { AuthorizationServer, UserClaimsSource } from '@grantor/core';
import { bearer as expressBearer, grantorRouter } from '@grantor/express';
import { bearer as koaBearer, grantorMiddleware } from '@grantor/koa';
import { nodeRuntime } from '@grantor/node';
import { conformanceConfig, conformanceProtected, conformanceSeed, mountedOn, protectedResponseBody, type ConformanceCheck, type ConformanceServer, type Mount } from '@grantor/testkit';
import type { OAuth2ServerModel } from '../model.js';
import { createModelAuthorizationServer } from '../store.js';

/**
 * The conformance checks an oauth2-server model has no functions for (device codes, client keys, token exchange,
 * pushed requests) or no place for (a DPoP key binding: DPoP is off over a model, see `createModelAuthorizationServer`).
 */
export const modelSkips: readonly ConformanceCheck[] = ['device', 'private_key_jwt', 'client_secret_jwt', 'jwt_bearer', 'token_exchange', 'par', 'dpop', 'jar'];

const claims: UserClaimsSource = {
  claims: (subject) => async () => ({ _tag: 'Right', right: { _tag: 'Some', value: { sub: subject } } }),
};

/** `makeServer` for `runHttpConformance`: the conformance config (grant types: the model's) over `model`. */
export const modelConformanceServer = (model: () => Promise<OAuth2ServerModel>) => async (): Promise<ConformanceServer> => {
  const store = await model();
  // The grant types are the model's (`store.grantTypes`): no device flow, JWT bearer or token exchange.
  const { grantTypes: _all, ...config } = conformanceConfig;
  const server = createModelAuthorizationServer(config, store, {
    runtime: nodeRuntime({ logger: { log: () => undefined } }),
    ports: { claims },
  });
  return { server, seed: conformanceSeed };
};

export const expressMount: Mount = async (server: AuthorizationServer) => {
  const app = express();
  app.use(grantorRouter(server));
  app.use(express.urlencoded({ extended: false }), express.json());
  const requiredScopes = conformanceProtected.requiredScopes;
  app.all(conformanceProtected.path, expressBearer(server, { requiredScopes }), (req, res) => {
    res.json(protectedResponseBody(req.auth));
  });
  app.all(conformanceProtected.queryPath, expressBearer(server, { requiredScopes, allowQuery: true }), (req, res) => {
    res.json(protectedResponseBody(req.auth));
  });
  return mountedOn(createServer(app), server);
};

export const koaMount: Mount = async (server: AuthorizationServer) => {
  const app = new Koa();
  app.use(grantorMiddleware(server));
  const requiredScopes = conformanceProtected.requiredScopes;
  const guards: Readonly<Record<string, Middleware | undefined>> = {
    [conformanceProtected.path]: koaBearer(server, { requiredScopes }),
    [conformanceProtected.queryPath]: koaBearer(server, { requiredScopes, allowQuery: true }),
  };
  app.use(async (ctx, next) => {
    const guard = guards[ctx.path];
    if (guard === undefined) return next();
    await guard(ctx, async () => {
      ctx.body = protectedResponseBody(ctx.state.auth);
    });
  });
  return mountedOn(createServer(app.callback()), server);
};
