import { clientFromMetadata, type AdminOperations, type AuthorizationServer, type Client, type Logger, type SessionPort } from '@grantor/core';
import { clientSecretJwtKeyOf, storeError } from '@grantor/core/extend';
import { sha256SecretHasher } from '@grantor/node';
import type { Tracer } from '@opentelemetry/api';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { createAdminApi } from './admin/api.js';
import { createAdminSessions } from './console/auth.js';
import { createConsole } from './console/router.js';
import { withCors } from './http/cors.js';
import { withTrustedProxies } from './http/proxy.js';
import { healthPages } from './observability/health.js';
import { createMetrics, metricsPage, registerActiveTokens, withObservability } from './observability/requests.js';
import { endpointResolver } from './observability/outcome.js';
import { withTracing } from './observability/tracing.js';
import { createCore } from './core-bridge.js';
import { demoSecretsFile, demoSeed, describeSeed, loadOrCreateDemoSecrets, type DemoSecrets } from './demo-seed.js';
import type { ServerEnv } from './env.js';
import { withPages } from './http/host.js';
import { keyMaintenance, type KeyMaintenance } from './keys.js';
import { createPages } from './pages/router.js';
import { createPlayground } from './playground/playground.js';
import { createUserAdmin } from './people/user-admin.js';
import { claimsSourceOf, createUserDirectory, seedUsers } from './people/directory.js';
import { createMailer } from './people/mailer.js';
import { hibpCheck } from './people/passwords.js';
import { knownScopes, loadSeedFile, type Seed } from './seed.js';
import { createSessionStore, type SessionStore } from './session.js';
import { clientAuthThrottle, serverThrottles, throttleBackend } from './throttle.js';
import { withRegistrationThrottle } from './http/registration-throttle.js';

export interface App {
  /** Grantor's endpoints and the pages together (what the framework mounts). */
  readonly host: AuthorizationServer;
  readonly seed: Seed;
  /** The operator's operations on the running server's store. */
  readonly admin: AdminOperations;
  /** Signing-key upkeep: `tick` every minute (reload after an outside change, scheduled rotation), `reload` on SIGHUP. */
  readonly keys: KeyMaintenance;
  readonly close: () => Promise<void>;
}

/** Secrets shorter than this are named in the log (RFC 6749 §10.10: 32 characters of a random alphabet ≥ 128 bits). */
const minimumSecretLength = 32;

/** The issuer's path without a trailing slash ('' at the origin's root): where the pages live. */
const issuerPrefix = (issuer: string): string => new URL(issuer).pathname.replace(/\/+$/, '');

/**
 * RFC 7591 metadata → `Client` through the core's codec (secret kept as its SHA-256; unknown members ignored). The
 * member `id_token_claims` (`scope` | `minimal`) overrides ID_TOKEN_CLAIMS for this client.
 */
const toClient = (c: Seed['clients'][number]): Client => {
  try {
    const client = clientFromMetadata(c.metadata, sha256SecretHasher.hash);
    const idTokenClaims = c.metadata['id_token_claims'];
    return idTokenClaims === 'scope' || idTokenClaims === 'minimal' ? { ...client, metadata: { ...client.metadata, idTokenClaims } } : client;
  } catch (e) {
    throw new Error(`seed: client ${JSON.stringify(c.client_id)}: ${(e as Error).message}`);
  }
};

/** Where the demo data is kept between starts: the SQLite directory, or DATA_DIR (none: new demo data every start). */
export const demoDir = (env: ServerEnv): string | undefined => (env.store.kind === 'sqlite' ? env.store.dir : env.dataDir);

/** How a process of a WORKERS > 1 server differs from a lone server. */
export interface AppOptions {
  /** The demo data the primary process made (workers must all save the same clients). */
  readonly demoSecrets?: DemoSecrets;
  /** Set in a worker: its number, sent as `x-grantor-worker` on every response (which process answered). */
  readonly worker?: number;
  /** OpenTelemetry (TRACING): a span per request and per store call. */
  readonly tracer?: Tracer;
}

const loadSeed = async (env: ServerEnv, print: (line: string) => void, given: DemoSecrets | undefined): Promise<Seed> => {
  if (env.seedPath !== undefined) return loadSeedFile(env.seedPath);
  const dir = demoDir(env);
  const seed = demoSeed(env.issuer, given ?? (dir === undefined ? undefined : loadOrCreateDemoSecrets(dir)));
  for (const line of describeSeed(seed)) print(line);
  if (dir !== undefined) print(`(demo data kept in ${dir}/${demoSecretsFile})`);
  return seed;
};

/**
 * OpenID Connect RP-Initiated Logout 1.0: the core validated the logout request; the browser's login session (named by
 * its cookie) ends here, and `withPages` clears the cookie on the response.
 */
const sessionPort = (sessions: () => SessionStore, logger: Logger): SessionPort => ({
  endSession: (subject, clientId, context) =>
    TE.tryCatch(
      async () => {
        const ended = await sessions().end(context.request);
        logger.log('info', 'logout', { ended, ...(subject === undefined ? {} : { sub: subject }), ...(clientId === undefined ? {} : { client: clientId }) });
      },
      (cause) => storeError('ending the browser session failed', { cause }),
    ),
});

/** Loads the seed (or demo data), builds the core on the chosen store, and the pages around it. */
/** Adds `x-grantor-worker: <n>` to every response of `server` (WORKERS > 1: which worker answered). */
const withWorkerHeader = (server: AuthorizationServer, worker: number): AuthorizationServer => {
  const tag = (handle: AuthorizationServer['handle']): AuthorizationServer['handle'] => async (req) => {
    const res = await handle(req);
    return { ...res, headers: { ...res.headers, 'x-grantor-worker': String(worker) } };
  };
  return { ...server, routes: server.routes.map((r) => ({ ...r, handle: tag(r.handle) })), handle: tag(server.handle) };
};

export const createApp = async (env: ServerEnv, logger: Logger, print: (line: string) => void, options: AppOptions = {}): Promise<App> => {
  const seed = await loadSeed(env, print, options.demoSecrets);
  const clients = seed.clients.map(toClient);
  // RFC 6749 §10.10: secrets must resist guessing. Seeded secrets are accepted whatever their length (the seed format
  // is fixed by the acceptance interface, which sets no minimum); a short one is named in the log.
  for (const c of seed.clients) {
    const secret = (c.metadata as { readonly client_secret?: unknown }).client_secret;
    if (typeof secret === 'string' && secret.length < minimumSecretLength) logger.log('warn', 'seeded client secret shorter than 32 characters', { client: c.client_id.slice(0, 64) });
  }
  const prefix = issuerPrefix(env.issuer);
  // The browser sessions live in the core's store, which createCore opens: the end-session hook reads them late.
  const late: { sessions?: SessionStore } = {};
  const sessionsReady = (): SessionStore => {
    if (late.sessions === undefined) throw new Error('sessions: the store is not open yet');
    return late.sessions;
  };
  // client_secret_jwt clients: the secret itself is the HMAC key (RFC 7523 §2.2), so the store keeps it recoverable.
  const clientSecretJwtKeys = new Map(seed.clients.flatMap((c) => {
    const secret = clientSecretJwtKeyOf(c.metadata);
    return secret === undefined ? [] : [[c.client_id, secret] as const];
  }));
  // Attempt limits (sign-in, user codes, client authentication), shared by every node with THROTTLE_URL.
  const throttles = serverThrottles(await throttleBackend(env.throttleUrl), env.throttleLoopback === true, env.registration.perAddressPerHour);
  const resources = seed.resources ?? [];
  const now = (): number => Date.now() / 1000;
  const core = await createCore({
    env,
    scopes: knownScopes(clients, resources),
    clients,
    resources,
    scopeDefinitions: seed.scopes ?? [],
    claims: claimsSourceOf,
    idTokenClaims: env.people.idTokenClaims === 'scope',
    clientAuthThrottle: clientAuthThrottle(throttles),
    logger,
    prefix,
    sessions: sessionPort(sessionsReady, logger),
    clientSecretJwtKeys,
    ...(options.tracer === undefined ? {} : { tracer: options.tracer }),
  });
  const sessions = createSessionStore({ secure: new URL(env.issuer).protocol === 'https:', store: core.loginSessions });
  late.sessions = sessions;
  const users = await createUserDirectory(core.users, now);
  await seedUsers(core.users, seed.users, now(), env.seedMode);
  const people = env.people;
  const mailer = createMailer(people.mail, people.mailFrom ?? `Grantor <no-reply@${new URL(env.issuer).hostname}>`, logger);
  if (people.mail.kind === 'log') logger.log('info', 'mail: no MAIL_OUTBOX or SMTP_URL, messages go to the log');
  const pages = createPages({
    server: core.server,
    users,
    sessions,
    throttles,
    logger,
    now,
    prefix,
    account: core.admin,
    // The consent and account pages read the scope registry (descriptions, optional scopes) when they are drawn.
    scopes: async () => {
      const listed = await core.admin.scopes.list();
      if (listed._tag === 'Failed') throw new Error(listed.error.description);
      return listed.value;
    },
    people: {
      signup: people.signup,
      mailer,
      tokens: core.accountTokens,
      ...(people.breachedPasswordCheck === 'hibp' ? { breached: hibpCheck() } : {}),
      publicBase: `${new URL(env.issuer).origin}${prefix}`,
    },
  });
  // An accepted logout (303 to the post-logout URI or the signed-out page) removes the session cookie too.
  // Not on the confirmation form a bare GET gets (RP-Initiated Logout §2): the session is still there then.
  const paged = withPages(withRegistrationThrottle(core.server, throttles), pages, async (req, res) =>
    res.status < 400 && (await sessions.get(req)) === undefined ? { ...res, headers: { ...res.headers, 'set-cookie': sessions.clearCookie } } : res,
  );
  const userAdmin = createUserAdmin({ store: core.users, operations: core.admin, sessions: core.loginSessions, now });
  const metrics = createMetrics();
  registerActiveTokens(metrics, core.admin.tokens.countActive, logger);
  const bootstrap = env.adminToken === undefined ? {} : { bootstrapToken: env.adminToken };
  const adminApi = withPages(withPages(withPages(paged, healthPages(core.admin)), metricsPage(metrics)), createAdminApi({ server: core.server, operations: core.admin, users: userAdmin, logger, ...bootstrap }));
  const adminConsole = createConsole({
    operations: core.admin,
    users: userAdmin,
    directory: users,
    throttles,
    sessions: createAdminSessions({ secure: new URL(env.issuer).protocol === 'https:', path: `${prefix}/admin`, store: core.loginSessions, ...bootstrap }),
    issuer: env.issuer,
    prefix,
    logger,
    ...bootstrap,
  });
  const administered = withPages(adminApi, adminConsole);
  // With the demo data (no SEED): /demo plays the demo web client and shows what it got; the start log links to it.
  const demoWeb = env.seedPath === undefined ? seed.clients.find((c) => c.client_id === 'demo-web') : undefined;
  const demoSecret = demoWeb?.metadata['client_secret'];
  const playground =
    typeof demoSecret === 'string'
      ? createPlayground({
          server: core.server,
          publicBase: `${new URL(env.issuer).origin}${prefix}`,
          client: { clientId: 'demo-web', secret: demoSecret, scope: 'openid profile email offline_access' },
          secure: new URL(env.issuer).protocol === 'https:',
          logger,
        })
      : undefined;
  if (playground !== undefined) print(`try it: open ${playground.startUrl} and sign in as the demo user (or start at ${env.issuer.replace(/\/+$/, '')}/demo)`);
  const withPlayground = playground === undefined ? administered : withPages(administered, playground);
  const observed = withObservability(withCors(withPlayground, { admin: core.admin }), logger, metrics);
  const traced = options.tracer === undefined ? observed : withTracing(observed, options.tracer, endpointResolver(observed));
  const proxied = env.trustProxy === undefined ? traced : withTrustedProxies(traced, env.trustProxy);
  const host = options.worker === undefined ? proxied : withWorkerHeader(proxied, options.worker);
  const noKeys = async (): Promise<void> => undefined;
  const keys: KeyMaintenance =
    core.server.keys === undefined
      ? { tick: noKeys, reload: noKeys }
      : keyMaintenance({
          keys: core.server.keys,
          keyInfo: core.keyInfo,
          ...(env.keyRotationDays === undefined ? {} : { periodSeconds: Math.round(env.keyRotationDays * 86_400) }),
          now: () => Date.now() / 1000,
          logger,
        });
  await keys.tick();
  const needsTimer = core.persistent || env.keyRotationDays !== undefined;
  const timer = needsTimer ? setInterval(() => void keys.tick(), 60_000) : undefined;
  timer?.unref();
  return {
    host,
    seed,
    admin: core.admin,
    keys,
    close: async () => {
      if (timer !== undefined) clearInterval(timer);
      mailer.close();
      await core.close();
      await throttles.close();
    },
  };
};
