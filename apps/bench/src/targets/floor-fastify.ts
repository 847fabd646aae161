/** Fastify floor: an urlencoded content-type parser registered on Fastify itself, the route answers a fixed JSON. */
import Fastify from 'fastify';
import { FIXED_BODY, PROTECTED_PATH, TOKEN_PATH, announce, fail } from '../protocol.js';
import { exitOnSignal } from './listen.js';

const main = async (): Promise<void> => {
  exitOnSignal();
  const app = Fastify({ logger: false });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  app.post(TOKEN_PATH, async (req, reply) => {
    const body = req.body as Record<string, string>;
    if (body['grant_type'] === undefined) reply.code(400);
    reply.header('cache-control', 'no-store');
    return FIXED_BODY;
  });
  app.get(PROTECTED_PATH, async (req, reply) => {
    if (req.headers.authorization === undefined) reply.code(401);
    return FIXED_BODY;
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  announce({ type: 'ready', port: typeof address === 'object' && address !== null ? address.port : 0 });
};

main().catch(fail);
