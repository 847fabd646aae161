import type { Row } from './stats.js';

const fmt = (n: number, digits = 0): string => (Number.isFinite(n) ? n.toFixed(digits) : '—');
const mib = (bytes: number): string => (Number.isFinite(bytes) ? (bytes / 1048576).toFixed(1) : '—');

/** Ratio of a row's figure to its floor's: req/s (higher is better), latency and RSS (lower is better). */
export interface Ratios {
  readonly reqPerSec: number;
  readonly reqPerCpuSec: number;
  readonly p50: number;
  readonly p99: number;
  readonly peakRss: number;
}

export const ratiosTo = (row: Row, floor: Row | undefined): Ratios => ({
  reqPerSec: floor === undefined ? NaN : row.reqPerSec / floor.reqPerSec,
  reqPerCpuSec: floor === undefined ? NaN : row.reqPerSec / row.serverCpu / (floor.reqPerSec / floor.serverCpu),
  p50: floor === undefined ? NaN : row.p50 / floor.p50,
  p99: floor === undefined ? NaN : row.p99 / floor.p99,
  peakRss: floor === undefined ? NaN : row.peakRss / floor.peakRss,
});

/** A Markdown table (readable in a terminal too). */
export const markdownTable = (rows: readonly Row[]): string => {
  const byName = new Map(rows.map((r) => [r.target.name, r]));
  const head = [
    '| target | req/s (median) | p50 ms | p99 ms | peak RSS MiB | × floor req/s | × floor p50 | × floor p99 | × floor RSS | server CPU | req per server CPU-s | × floor req/CPU-s | non-2xx | errors |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  const body = rows.map((r) => {
    if (r.failure !== undefined) return `| ${r.target.name} | not run: ${r.failure.split('\n')[0]!.slice(0, 120)} ||||||||||||| `;
    const q = ratiosTo(r, byName.get(r.target.floor));
    return `| ${r.target.name} | ${fmt(r.reqPerSec)} | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | ${mib(r.peakRss)} | ${fmt(q.reqPerSec, 2)} | ${fmt(q.p50, 2)} | ${fmt(q.p99, 2)} | ${fmt(q.peakRss, 2)} | ${fmt(r.serverCpu * 100)} % | ${fmt(r.reqPerSec / r.serverCpu)} | ${fmt(q.reqPerCpuSec, 2)} | ${r.non2xx} | ${r.errors} |`;
  });
  return [...head, ...body].join('\n');
};
