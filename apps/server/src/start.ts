import cluster from 'node:cluster';
import { createApp } from './app.js';
import { withConfigFile } from './config-file.js';
import { runCli } from './cli/main.js';
import { createPino, logSettings, pinoLogger } from './observability/logging.js';
import { serverTracer, startTracing, tracingSettings } from './observability/tracing.js';
import { runPrimary, workerEnv, workerSettings } from './cluster.js';
import { inviteCommand } from './people/invite.js';
import { rotateKeysCommand } from './rotate-keys.js';
import { readEnv, type ServerEnv } from './env.js';
import { listen, type Listening } from './http/listen.js';

/**
 * The Grantor reference authorization server. Environment: PORT (default 3000, on 127.0.0.1), ISSUER (default
 * http://localhost:PORT, verbatim), SEED (JSON seed file; otherwise demo data), FRAMEWORK (fastify|express|koa),
 * DATABASE_URL (PostgreSQL/MySQL), DATA_DIR (SQLite), KEY_ENCRYPTION_SECRET, KEY_ROTATION_DAYS, WORKERS (processes over
 * one PostgreSQL/MySQL database, see `cluster.ts`). Stops on SIGTERM/SIGINT
 * within a few seconds; SIGHUP reloads the signing keys. `main.js rotate-keys` rotates the stored keys and exits.
 */
const print = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

// Structured JSON logs (pino; pretty on a terminal), secrets redacted; one line per request (observability/requests.ts).
// CONFIG_FILE: settings from a JSON file under the environment (which wins), applied before anything reads a setting
// (the logger just below, the OpenTelemetry SDK, every worker). A bad file stops the start, naming the setting.
try {
  const settings = withConfigFile(process.env);
  for (const [name, value] of Object.entries(settings)) if (process.env[name] === undefined && value !== undefined) process.env[name] = value;
} catch (e) {
  process.stderr.write(`error: ${(e as Error).message}\n`);
  process.exit(1);
}

const logger = pinoLogger(createPino(logSettings(process.env, process.stdout.isTTY)));

/** The store in one word for the start line (never the credentials of DATABASE_URL). */
const storeLabel = (env: ServerEnv): string => {
  const store = env.store;
  if (store.kind === 'memory') return 'memory';
  if (store.kind === 'sqlite') return `sqlite in ${store.dir}`;
  return store.url.split(':')[0] ?? 'sql';
};

const main = async (): Promise<void> => {
  const read = readEnv(process.env);
  if (read.workers > 1 && cluster.isPrimary) return runPrimary(read, logger, print);
  const worker = workerSettings(process.env);
  const env = worker === undefined ? read : workerEnv(read, worker.index);
  // A worker prints only its listening line (the primary printed the seed and the demo data).
  // OpenTelemetry (TRACING): each serving process starts its own SDK (or uses one registered with --import).
  const tracing = tracingSettings(process.env);
  const stopTracing = tracing.mode === 'otlp' ? startTracing(tracing.serviceName) : async () => undefined;
  const traced = tracing.mode === 'off' ? {} : { tracer: serverTracer() };
  const app = await createApp(env, logger, worker === undefined ? print : () => undefined, {
    ...traced,
    ...(worker === undefined ? {} : { worker: worker.index + 1, ...(worker.demoSecrets === undefined ? {} : { demoSecrets: worker.demoSecrets }) }),
  });
  const state: { listening?: Listening } = {};
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    print(`${signal}: shutting down`);
    // Whatever happens, the process is gone well within 5 seconds.
    setTimeout(() => process.exit(0), 3_000).unref();
    void (async () => {
      try {
        await state.listening?.close();
        await app.close();
        await stopTracing();
      } catch (cause) {
        logger.log('warn', 'shutdown', { cause: String(cause) });
      }
      process.exit(0);
    })();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGHUP', () => void app.keys.reload());
  // A worker whose primary is gone stops too.
  if (worker !== undefined) process.on('disconnect', () => stop('primary gone'));
  const listening = await listen(env.framework, app.host, env.port, logger, env.host);
  state.listening = listening;
  if (worker !== undefined) {
    print(`worker ${worker.index + 1} of ${env.workers} (pid ${process.pid}) listening on http://${env.host}:${listening.port}`);
    return;
  }
  print(`Grantor reference server (${env.framework}, store: ${storeLabel(env)}) listening on http://${env.host.includes(':') ? `[${env.host}]` : env.host}:${listening.port}`);
  print(`issuer ${env.issuer} — discovery at ${env.issuer}/.well-known/openid-configuration`);
};

process.on('unhandledRejection', (cause) => logger.log('error', 'unhandled rejection', { cause: String(cause) }));
// A fault in one request must not take every other client down: log it and keep serving.
process.on('uncaughtException', (cause) => logger.log('error', 'uncaught exception', { cause: String(cause) }));

const command = process.argv[2];
const run =
  command === undefined || command === 'serve'
    ? main
    : command === 'rotate-keys'
      ? () => rotateKeysCommand(process.env, logger, print)
      : command === 'invite'
        ? () => inviteCommand(process.env, process.argv.slice(3), logger, print)
        : undefined;
if (run === undefined) {
  // The operator's commands (`grantor client|token|keys|migrate|help`, see cli/main.ts).
  void runCli(process.argv.slice(2), process.env, { out: print, err: (line) => process.stderr.write(`${line}\n`) }).then((code) => process.exit(code));
} else run().then(() => {
  if (command === 'rotate-keys' || command === 'invite') process.exit(0);
}).catch((e: unknown) => {
  process.stderr.write(`grantor: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
