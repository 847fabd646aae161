/** Run settings, from the environment (all optional). */
const num = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new TypeError(`${name} must be a positive number, got ${raw}`);
  return n;
};

export interface BenchSettings {
  /** Measured seconds per run (BENCH_DURATION, default 8). */
  readonly duration: number;
  /** Warm-up seconds per run, on the same server process, not measured (BENCH_WARMUP, default 2). */
  readonly warmup: number;
  /** How many times each target is measured; targets alternate within a round (BENCH_ROUNDS, default 2). */
  readonly rounds: number;
  /** Concurrent connections (BENCH_CONNECTIONS, default 50). */
  readonly connections: number;
  /** Comma-separated substrings; only targets whose name contains one of them run (BENCH_ONLY). */
  readonly only: readonly string[];
  /** CPU the server processes are pinned to with taskset (BENCH_SERVER_CPU, default 1). */
  readonly serverCpu: number;
  /** CPU the load generator (this process) is pinned to (BENCH_LOAD_CPU, default 0). */
  readonly loadCpu: number;
}

export const settings = (): BenchSettings => ({
  duration: num('BENCH_DURATION', 8),
  warmup: num('BENCH_WARMUP', 2),
  rounds: Math.floor(num('BENCH_ROUNDS', 2)),
  connections: Math.floor(num('BENCH_CONNECTIONS', 50)),
  only: (process.env['BENCH_ONLY'] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== ''),
  serverCpu: Math.floor(process.env['BENCH_SERVER_CPU'] === undefined ? 1 : Number(process.env['BENCH_SERVER_CPU'])),
  loadCpu: Math.floor(process.env['BENCH_LOAD_CPU'] === undefined ? 0 : Number(process.env['BENCH_LOAD_CPU'])),
});

/** How many single-use credentials (codes, refresh tokens) a server pre-issues for one run. */
export const preissueCount = (s: BenchSettings): number =>
  Math.floor(num('BENCH_PREISSUE', Math.ceil((s.duration + s.warmup) * 7000)));
