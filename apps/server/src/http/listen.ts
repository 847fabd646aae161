import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { Socket } from 'node:net';
import type { AuthorizationServer, HttpResponse, Logger } from '@grantor/core';
import { createNodeHandler, notFound, writeHttpResponse } from '@grantor/node';
import express from 'express';
import Koa from 'koa';
import Fastify from 'fastify';
import { grantorRouter } from '@grantor/express';
import { grantorMiddleware } from '@grantor/koa';
import { grantorFastify, grantorFrameworkErrors, sendHttpResponse } from '@grantor/fastify';
import type { Framework } from '../env.js';

/** A listening server that can be stopped. */
export interface Listening {
  readonly port: number;
  /** Stops accepting, closes idle and active connections, resolves when the listener is closed. */
  readonly close: () => Promise<void>;
}

const bodyLimit = 64 * 1024;

/**
 * RFC 8414 §3.1: for an issuer with a path, the metadata lives at `/.well-known/oauth-authorization-server{path}`,
 * outside the path Grantor is mounted under; the host serves it there (the core's own route answers it).
 */
const rfc8414Outside = (host: AuthorizationServer): { readonly path: string; readonly answer: () => Promise<HttpResponse> } | undefined => {
  const issuerPath = new URL(host.config.issuer).pathname.replace(/\/+$/, '');
  if (issuerPath === '') return undefined;
  return {
    path: `/.well-known/oauth-authorization-server${issuerPath}`,
    answer: () => host.handle({ method: 'GET', path: '/.well-known/oauth-authorization-server', query: '', headers: {}, body: undefined }),
  };
};

/** Tracks sockets so shutdown can end keep-alive connections (Node 20: `closeAllConnections`). */
const closeHttp = (server: Server): Promise<void> =>
  new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
    server.closeAllConnections();
  });

const listenOn = (server: Server, port: number, bindHost: string): Promise<number> =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, bindHost, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });

/** Bounds header/request time so a slow client cannot hold a connection forever, and never drops a malformed one silently. */
const harden = (server: Server, logger: Logger): void => {
  server.headersTimeout = 20_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    logger.log('debug', 'client error', { code: err.code });
    if (socket.writable && !socket.destroyed) {
      const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
      const body = '{"error":"invalid_request","error_description":"Malformed HTTP request."}';
      // RFC 9110 §9.3.2: the answer to HEAD carries no content (the raw request, when Node kept it, names the method)
      const head = /^HEAD /i.test((err as { rawPacket?: Buffer }).rawPacket?.toString('latin1', 0, 5) ?? '');
      socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${head ? '' : body}`);
    } else socket.destroy();
  });
};

/**
 * Express 5 through `@grantor/express` (Grantor's endpoints and the pages, see `withPages`); anything else gets the
 * core's RFC-shaped 404.
 */
const withExpress = async (host: AuthorizationServer, port: number, logger: Logger, bindHost: string): Promise<Listening> => {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  const outside = rfc8414Outside(host);
  if (outside !== undefined) app.get(outside.path, (_req, res) => void outside.answer().then((r) => writeHttpResponse(res, r)));
  app.use(grantorRouter(host, { bodyLimit, logger }));
  const fallback = createNodeHandler(host, { bodyLimit, logger });
  app.use((req, res) => {
    void fallback(req, res);
  });
  const server = createServer(app);
  harden(server, logger);
  return { port: await listenOn(server, port, bindHost), close: () => closeHttp(server) };
};

/** Koa 3 through `@grantor/koa`; anything else gets the core's RFC-shaped 404 (written by `@grantor/node`). */
const withKoa = async (host: AuthorizationServer, port: number, logger: Logger, bindHost: string): Promise<Listening> => {
  const app = new Koa();
  const outside = rfc8414Outside(host);
  if (outside !== undefined) {
    app.use(async (ctx, next) => {
      if (ctx.path !== outside.path || ctx.method !== 'GET') return next();
      ctx.respond = false;
      writeHttpResponse(ctx.res, await outside.answer());
    });
  }
  app.use(grantorMiddleware(host, { bodyLimit, logger }));
  const handler = createNodeHandler(host, { bodyLimit, logger });
  app.use(async (ctx) => {
    ctx.respond = false;
    await handler(ctx.req, ctx.res);
  });
  app.on('error', (err: unknown) => logger.log('warn', 'koa error', { cause: String(err) }));
  const server = createServer(app.callback());
  harden(server, logger);
  return { port: await listenOn(server, port, bindHost), close: () => closeHttp(server) };
};

/**
 * Fastify 5 through `@grantor/fastify`, which registers one route per `host.routes` entry (the pages' routes use
 * Fastify's `:id` parameters, see `withPages`); anything else gets the RFC-shaped 404.
 */
const withFastify = async (host: AuthorizationServer, port: number, logger: Logger, bindHost: string): Promise<Listening> => {
  let server: Server | undefined;
  const app = Fastify({
    logger: false,
    bodyLimit,
    frameworkErrors: grantorFrameworkErrors,
    serverFactory: (handler) => {
      server = createServer(handler);
      harden(server, logger);
      return server;
    },
  });
  await app.register(grantorFastify, { server: host, bodyLimit, logger });
  const outside = rfc8414Outside(host);
  if (outside !== undefined) app.get(outside.path, async (_request, reply) => sendHttpResponse(reply, await outside.answer()));
  app.setNotFoundHandler((_request, reply) => sendHttpResponse(reply, notFound()));
  await app.listen({ port, host: bindHost });
  const address = app.server.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : port,
    close: async () => {
      const closing = app.close();
      server?.closeAllConnections();
      await closing;
    },
  };
};

/** Listens on `bindHost:port` (HOST, default 127.0.0.1) with the chosen framework. */
export const listen = (framework: Framework, host: AuthorizationServer, port: number, logger: Logger, bindHost = '127.0.0.1'): Promise<Listening> =>
  framework === 'express' ? withExpress(host, port, logger, bindHost) : framework === 'koa' ? withKoa(host, port, logger, bindHost) : withFastify(host, port, logger, bindHost);
