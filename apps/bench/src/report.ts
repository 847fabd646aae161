import type { Framework } from './catalog.js';
import type { Row } from './stats.js';

export interface Goal {
  readonly label: string;
  readonly target: string;
  readonly floor: string;
  readonly min: number;
}

/** The targets from the issue: throughput of a Grantor scenario as a fraction of the same framework's floor. */
export const goals: readonly Goal[] = [
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

/** Grantor's client_credentials on Express against each peer on Express (same client, same request). */
export const peersTable = (rows: readonly Row[]): string => {
  const byName = new Map(rows.map((r) => [r.target.name, r]));
  const grantor = byName.get('express grantor client_credentials');
  const lines = ['| peer (Express, client_credentials) | peer req/s | Grantor req/s | Grantor ÷ peer req/s | Grantor ÷ peer p99 | Grantor ÷ peer RSS |', '|---|--:|--:|--:|--:|--:|'];
  for (const peer of rows.filter((r) => r.target.kind === 'peer')) {
    if (!usable(peer) || !usable(grantor)) {
      lines.push(`| ${peer.target.name} | ${usable(peer) ? peer.reqPerSec.toFixed(0) : '—'} | ${usable(grantor) ? grantor.reqPerSec.toFixed(0) : '—'} | — | — | — |`);
      continue;
    }
    lines.push(`| ${peer.target.name} | ${peer.reqPerSec.toFixed(0)} | ${grantor.reqPerSec.toFixed(0)} | ${(grantor.reqPerSec / peer.reqPerSec).toFixed(2)} | ${(grantor.p99 / peer.p99).toFixed(2)} | ${(grantor.peakRss / peer.peakRss).toFixed(2)} |`);
  }
  return lines.join('\n');
};
