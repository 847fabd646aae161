import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Listens on an ephemeral port of 127.0.0.1 and resolves the port. */
export const listen = (server: Server): Promise<number> =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });

/** Exit cleanly when the parent stops the run. */
export const exitOnSignal = (): void => {
  process.once('SIGTERM', () => process.exit(0));
  process.once('disconnect', () => process.exit(0));
};
