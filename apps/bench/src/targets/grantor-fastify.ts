/** Grantor on Fastify: the adapter's plugin (every route of the server) and its bearer preHandler on /api/me. */
import Fastify from 'fastify';
import { bearer, grantorFastify } from '@grantor/fastify';
import { FIXED_BODY, PROTECTED_PATH, announce, fail } from '../protocol.js';
import { parseArgs, setupGrantor } from './grantor-setup.js';
import { exitOnSignal } from './listen.js';

const main = async (): Promise<void> => {
  exitOnSignal();
  const { store, preissue, stub, jwt } = parseArgs(process.argv.slice(2));
  const { server, extra } = await setupGrantor(store, preissue, Number(process.env['BENCH_PREISSUE'] ?? 0), stub, jwt);
  const app = Fastify({ logger: false });
  await app.register(grantorFastify, { server });
  app.get(PROTECTED_PATH, { preHandler: bearer(server) }, async () => FIXED_BODY);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  announce({ type: 'ready', port: typeof address === 'object' && address !== null ? address.port : 0, ...extra });
};

main().catch(fail);
