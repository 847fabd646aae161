import cluster from 'node:cluster';
import type { Logger } from '@grantor/core';
import { createApp, demoDir } from './app.js';
import { newDemoSecrets, type DemoSecrets } from './demo-seed.js';
import type { ServerEnv } from './env.js';

/**
 * WORKERS=N: N server processes (node:cluster) sharing the port and one SQL database. The primary process prepares
 * the database once (migrations, seed clients, the first signing keys), then forks the workers and only supervises
 * them: a worker that dies after it listened is replaced; one that dies before it listened stops the server (a
 * start-up fault would only repeat). SIGTERM/SIGINT stop every worker; SIGHUP is passed on (reload the keys).
 */

const indexVar = 'GRANTOR_WORKER_INDEX';
const demoVar = 'GRANTOR_DEMO_SECRETS';

/** In a worker: its index (0-based) and the demo data the primary made; undefined in a lone server or the primary. */
export const workerSettings = (vars: Readonly<Record<string, string | undefined>>): { readonly index: number; readonly demoSecrets?: DemoSecrets } | undefined => {
  if (!cluster.isWorker) return undefined;
  const index = Number(vars[indexVar] ?? '0');
  const demo = vars[demoVar];
  return { index, ...(demo === undefined ? {} : { demoSecrets: JSON.parse(demo) as DemoSecrets }) };
};

/** The environment a worker runs with: only the first worker keeps the rotation schedule (others reload on change). */
export const workerEnv = (env: ServerEnv, index: number): ServerEnv => {
  if (index === 0) return env;
  const { keyRotationDays: _schedule, ...rest } = env;
  return rest;
};

const restartWindowMs = 60_000;
const maxRestartsPerWindow = 5;

export const runPrimary = async (env: ServerEnv, logger: Logger, print: (line: string) => void): Promise<void> => {
  // Demo data without a directory to keep it in is new per start: made here once, so every worker saves the same.
  const demoSecrets = env.seedPath === undefined && demoDir(env) === undefined ? newDemoSecrets() : undefined;
  // One-time preparation, before any worker exists: migrations, clients, the first signing keys (N workers starting
  // on an empty database would otherwise each generate their own).
  const setup = await createApp(env, logger, print, demoSecrets === undefined ? {} : { demoSecrets });
  await setup.close();

  let stopping = false;
  const restarts: number[] = [];
  const shutdown = (code: number): void => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(code), 4_000).unref();
    const workers = Object.values(cluster.workers ?? {});
    if (workers.length === 0) process.exit(code);
    for (const w of workers) w?.process.kill('SIGTERM');
    cluster.on('exit', () => {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(code);
    });
  };
  const start = (index: number): void => {
    const worker = cluster.fork({ [indexVar]: String(index), ...(demoSecrets === undefined ? {} : { [demoVar]: JSON.stringify(demoSecrets) }) });
    let listened = false;
    worker.on('listening', () => {
      listened = true;
    });
    worker.on('exit', (code, signal) => {
      if (stopping) return;
      if (!listened) {
        print(`worker ${index + 1} exited before it listened (code ${code}, signal ${signal}): stopping`);
        shutdown(1);
        return;
      }
      const now = Date.now();
      restarts.push(now);
      while (restarts.length > 0 && now - restarts[0]! > restartWindowMs) restarts.shift();
      if (restarts.length > maxRestartsPerWindow) {
        print(`workers exited ${restarts.length} times within a minute: stopping`);
        shutdown(1);
        return;
      }
      logger.log('error', 'worker exited: starting a new one', { worker: index + 1, code, signal });
      start(index);
    });
  };
  process.on('SIGTERM', () => shutdown(0));
  process.on('SIGINT', () => shutdown(0));
  process.on('SIGHUP', () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGHUP');
  });
  print(`primary ${process.pid}: starting ${env.workers} workers`);
  for (let i = 0; i < env.workers; i++) start(i);
};
