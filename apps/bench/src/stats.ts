import type { AutocannonResult } from 'autocannon';
import type { Target } from './catalog.js';

/** One measured run of one target (one fresh server process). */
export interface Sample {
  readonly reqPerSec: number;
  readonly p50: number;
  readonly p99: number;
  readonly peakRss: number | undefined;
  /** Share of one CPU the server process used during the measured run (1 = saturated). */
  readonly serverCpu: number | undefined;
  readonly requests: number;
  readonly non2xx: number;
  readonly errors: number;
}

export const sampleOf = (r: AutocannonResult, duration: number, peakRss: number | undefined, serverCpu: number | undefined): Sample => ({
  reqPerSec: r.requests.total / duration,
  serverCpu,
  p50: r.latency.p50,
  p99: r.latency.p99,
  peakRss,
  requests: r.requests.total,
  non2xx: r.non2xx,
  errors: r.errors + r.timeouts,
});

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

export interface Row {
  readonly target: Target;
  readonly samples: readonly Sample[];
  readonly failure?: string;
  readonly reqPerSec: number;
  readonly p50: number;
  readonly p99: number;
  readonly peakRss: number;
  readonly serverCpu: number;
  readonly non2xx: number;
  readonly errors: number;
}

export const rowOf = (target: Target, samples: readonly Sample[], failure?: string): Row => ({
  target,
  samples,
  ...(failure === undefined ? {} : { failure }),
  reqPerSec: median(samples.map((s) => s.reqPerSec)),
  p50: median(samples.map((s) => s.p50)),
  p99: median(samples.map((s) => s.p99)),
  peakRss: median(samples.flatMap((s) => (s.peakRss === undefined ? [] : [s.peakRss]))),
  serverCpu: median(samples.flatMap((s) => (s.serverCpu === undefined ? [] : [s.serverCpu]))),
  non2xx: samples.reduce((n, s) => n + s.non2xx, 0),
  errors: samples.reduce((n, s) => n + s.errors, 0),
});
