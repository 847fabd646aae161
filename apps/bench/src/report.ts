import type { Framework } from './catalog.js';
import type { Row } from './stats.js';

interface Goal {
  readonly label: string;
  readonly target: string;
  readonly floor: string;
  readonly min: number;
}

/** The targets from the issue: throughput of a Grantor scenario as a fraction of the same framework's floor. */
const goals: readonly Goal[] = [
  { label: 'client_credentials on Fastify ≥ 0.6 × Fastify floor', target: 'fastify grantor client_credentials', floor: 'fastify floor POST form', min: 0.6 },
  { label: 'client_credentials on Express ≥ 0.8 × Express floor', target: 'express grantor client_credentials', floor: 'express floor POST form', min: 0.8 },
  { label: 'client_credentials on Koa ≥ 0.8 × Koa floor', target: 'koa grantor client_credentials', floor: 'koa floor POST form', min: 0.8 },
  ...(['fastify', 'koa', 'express'] as const satisfies readonly Framework[]).flatMap((fw): Goal[] => [
    { label: `bearer on ${fw} ≥ 0.7 × ${fw} GET floor`, target: `${fw} grantor bearer`, floor: `${fw} floor GET`, min: 0.7 },
    { label: `bearer on ${fw} ≥ 0.7 × ${fw} POST-form floor`, target: `${fw} grantor bearer`, floor: `${fw} floor POST form`, min: 0.7 },
  ]),
];

const usable = (r: Row | undefined): r is Row => r !== undefined && r.failure === undefined && Number.isFinite(r.reqPerSec);

export const goalsTable = (rows: readonly Row[]): string => {
  const byName = new Map(rows.map((r) => [r.target.name, r]));
  const lines = ['| goal | measured (req/s ratio) | per server CPU-second ratio | verdict |', '|---|--:|--:|---|'];
  for (const g of goals) {
    const t = byName.get(g.target);
    const f = byName.get(g.floor);
    if (!usable(t) || !usable(f)) {
      lines.push(`| ${g.label} | — | — | not measured |`);
      continue;
    }
    const ratio = t.reqPerSec / f.reqPerSec;
    const perCpu = t.reqPerSec / t.serverCpu / (f.reqPerSec / f.serverCpu);
    lines.push(`| ${g.label} | ${ratio.toFixed(2)} × | ${perCpu.toFixed(2)} × | ${ratio >= g.min ? 'met' : 'NOT met'} |`);
  }
  return lines.join('\n');
};

/**
 * Grantor's client_credentials (every framework, every store) against each peer (both on Express, same client, same
 * request): req/s ratio, and the ratio of requests per server CPU-second.
 */
export const peersTable = (rows: readonly Row[]): string => {
  const peers = rows.filter((r) => r.target.kind === 'peer' && usable(r));
  const mine = rows.filter((r) => r.target.kind === 'grantor' && r.target.scenario === 'client_credentials' && usable(r));
  if (peers.length === 0 || mine.length === 0) return '(peers or Grantor client_credentials not measured)';
  const head = `| Grantor client_credentials | req/s | ${peers.map((p) => `÷ ${p.target.name.replace(/^express | client_credentials$/g, '')} (${p.reqPerSec.toFixed(0)} req/s): req/s · per CPU-s · p99 · RSS`).join(' | ')} |`;
  const rule = `|---|--:|${peers.map(() => '--:').join('|')}|`;
  const perCpu = (r: Row): number => r.reqPerSec / r.serverCpu;
  const body = mine.map((g) => `| ${g.target.name.replace(/^(\w+) grantor client_credentials/, '$1')} | ${g.reqPerSec.toFixed(0)} | ${peers
    .map((p) => `${(g.reqPerSec / p.reqPerSec).toFixed(2)} · ${(perCpu(g) / perCpu(p)).toFixed(2)} · ${(g.p99 / p.p99).toFixed(2)} · ${(g.peakRss / p.peakRss).toFixed(2)}`)
    .join(' | ')} |`);
  return [head, rule, ...body].join('\n');
};
