import type { Scenario } from './scenarios.js';

export type Framework = 'fastify' | 'koa' | 'express';

/** One thing to measure: a server entry (compiled under dist/targets) and what to send it. */
export interface Target {
  readonly name: string;
  readonly framework: Framework;
  readonly kind: 'floor' | 'adapter' | 'grantor' | 'peer';
  /** File under dist/targets. */
  readonly entry: string;
  readonly args: readonly string[];
  readonly scenario: Scenario;
  /** Name of the target this one is compared with (the same framework's bare floor). */
  readonly floor: string;
  /** CPUs for `taskset -c` instead of BENCH_SERVER_CPU (e.g. `0,1` for a server of several processes). */
  readonly cpus?: string;
}

const frameworks: readonly Framework[] = ['fastify', 'koa', 'express'];

const floorPost = (fw: Framework): string => `${fw} floor POST form`;
const floorGet = (fw: Framework): string => `${fw} floor GET`;

const floors: readonly Target[] = frameworks.flatMap((fw): Target[] => [
  { name: floorPost(fw), framework: fw, kind: 'floor', entry: `floor-${fw}.js`, args: [], scenario: 'floor-post', floor: floorPost(fw) },
  { name: floorGet(fw), framework: fw, kind: 'floor', entry: `floor-${fw}.js`, args: [], scenario: 'floor-get', floor: floorGet(fw) },
]);

const grantorMemory: readonly Target[] = frameworks.flatMap((fw): Target[] => [
  { name: `${fw} grantor client_credentials`, framework: fw, kind: 'grantor', entry: `grantor-${fw}.js`, args: ['memory'], scenario: 'client_credentials', floor: floorPost(fw) },
  { name: `${fw} grantor authorization_code`, framework: fw, kind: 'grantor', entry: `grantor-${fw}.js`, args: ['memory', 'codes'], scenario: 'authorization_code', floor: floorPost(fw) },
  { name: `${fw} grantor refresh_token`, framework: fw, kind: 'grantor', entry: `grantor-${fw}.js`, args: ['memory', 'refresh'], scenario: 'refresh_token', floor: floorPost(fw) },
  { name: `${fw} grantor bearer`, framework: fw, kind: 'grantor', entry: `grantor-${fw}.js`, args: ['memory'], scenario: 'bearer', floor: floorGet(fw) },
]);

/** The adapter alone: every Grantor route answers a fixed token response (the core's work removed). */
const adapterOnly: readonly Target[] = frameworks.map((fw): Target => ({
  name: `${fw} adapter only (stubbed core)`, framework: fw, kind: 'adapter', entry: `grantor-${fw}.js`, args: ['memory', 'none', 'stub'], scenario: 'client_credentials', floor: floorPost(fw),
}));

const grantorSql: readonly Target[] = [
  { name: 'fastify grantor client_credentials sqlite', framework: 'fastify', kind: 'grantor', entry: 'grantor-fastify.js', args: ['sqlite'], scenario: 'client_credentials', floor: floorPost('fastify') },
  { name: 'fastify grantor client_credentials postgres', framework: 'fastify', kind: 'grantor', entry: 'grantor-fastify.js', args: ['postgres'], scenario: 'client_credentials', floor: floorPost('fastify') },
  // RFC 9068 access tokens signed ES256 by @grantor/node's nodeSigner (issue target: ≥ 0.4 × the Fastify floor).
  { name: 'fastify grantor client_credentials jwt', framework: 'fastify', kind: 'grantor', entry: 'grantor-fastify.js', args: ['memory', 'none', 'jwt'], scenario: 'client_credentials', floor: floorPost('fastify') },
];

/**
 * The reference server (apps/server, Fastify) on PostgreSQL with WORKERS=1 and WORKERS=2 (node:cluster), both on
 * both CPUs (issue target: WORKERS=2 ≥ 1.7 × WORKERS=1). The load generator and PostgreSQL share those CPUs.
 */
const serverWorkers: readonly Target[] = [1, 2].map((n): Target => ({
  name: `reference server WORKERS=${n} client_credentials postgres`, framework: 'fastify', kind: 'grantor', entry: 'server-workers.js', args: [String(n)], scenario: 'client_credentials', floor: floorPost('fastify'), cpus: '0,1',
}));

const peers: readonly Target[] = [
  { name: 'express oidc-provider client_credentials', framework: 'express', kind: 'peer', entry: 'peer-oidc-provider.js', args: [], scenario: 'client_credentials', floor: floorPost('express') },
  { name: 'express node-oauth2-server client_credentials', framework: 'express', kind: 'peer', entry: 'peer-node-oauth.js', args: [], scenario: 'client_credentials', floor: floorPost('express') },
];

export const catalog: readonly Target[] = [...floors, ...adapterOnly, ...grantorMemory, ...grantorSql, ...serverWorkers, ...peers];

/**
 * Targets selected by BENCH_ONLY (substrings; an entry starting with `=` names one target exactly); floors of
 * selected targets are always kept, for the ratios.
 */
export const select = (only: readonly string[]): readonly Target[] => {
  if (only.length === 0) return catalog;
  const matches = (name: string, o: string): boolean => (o.startsWith('=') ? name === o.slice(1) : name.includes(o));
  const picked = catalog.filter((t) => only.some((o) => matches(t.name, o)));
  const floorNames = new Set(picked.map((t) => t.floor));
  return catalog.filter((t) => picked.includes(t) || floorNames.has(t.name));
};
