/**
 * The benchmark runner: every target in a FRESH server process pinned to one CPU, load from this process (pinned to
 * the other), targets alternated within each round (A B C … A B C …), medians over the rounds, ratios to the same
 * framework's bare floor. Settings: see env.ts. Results: printed, and written to results/latest.{md,json}.
 */
import autocannon from 'autocannon';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { select, type Target } from './catalog.js';
import { preissueCount, settings, type BenchSettings } from './env.js';
import { cpuSeconds, hasTaskset, peakRss, pinSelf, startTarget, stopTarget } from './proc.js';
import { goalsTable, peersTable } from './report.js';
import { loadOptions, requestFor, smokeTest } from './scenarios.js';
import { rowOf, sampleOf, type Row, type Sample } from './stats.js';
import { markdownTable } from './table.js';

const here = dirname(fileURLToPath(import.meta.url));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One measured run: fresh process, smoke test, warm-up, measurement, peak RSS, stop. */
const runOnce = async (t: Target, s: BenchSettings): Promise<Sample> => {
  const entry = join(here, 'targets', t.entry);
  if (!existsSync(entry)) throw new Error(`${t.entry} is not built (its adapter has not landed yet?)`);
  const running = await startTarget(entry, t.args, { BENCH_PREISSUE: String(preissueCount(s)) }, t.cpus ?? String(s.serverCpu));
  try {
    const req = await requestFor(t.scenario, running.ready);
    await smokeTest(running.ready.port, req);
    await autocannon(loadOptions(running.ready.port, req, s.connections, s.warmup));
    const cpuBefore = cpuSeconds(running.pid);
    const result = await autocannon(loadOptions(running.ready.port, req, s.connections, s.duration));
    const cpuAfter = cpuSeconds(running.pid);
    const cpu = cpuBefore === undefined || cpuAfter === undefined ? undefined : (cpuAfter - cpuBefore) / s.duration;
    return sampleOf(result, s.duration, peakRss(running.pid), cpu);
  } finally {
    await stopTarget(running);
  }
};

interface Report {
  readonly md: string;
  readonly json: string;
}

const report = (targets: readonly Target[], samples: ReadonlyMap<string, readonly Sample[]>, failures: ReadonlyMap<string, string>, s: BenchSettings, machine: string, rounds: number): Report => {
  const rows: Row[] = targets.map((t) => rowOf(t, samples.get(t.name) ?? [], failures.get(t.name)));
  const when = new Date().toISOString();
  const md = [
    `Run ${when} — ${machine}; ${rounds} of ${s.rounds} rounds × ${s.duration} s (+${s.warmup} s warm-up), ${s.connections} connections, pipelining 1; medians over rounds.`,
    '',
    markdownTable(rows),
    '',
    goalsTable(rows),
    '',
    peersTable(rows),
  ].join('\n');
  const json = JSON.stringify({ when, machine, settings: s, roundsCompleted: rounds, rows: rows.map(({ target, ...r }) => ({ name: target.name, ...r })) }, null, 2);
  return { md, json };
};

const write = (r: Report, print: boolean): void => {
  if (print) console.log(`\n${r.md}`);
  const out = join(here, '..', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'latest.md'), `${r.md}\n`);
  writeFileSync(join(out, 'latest.json'), `${r.json}\n`);
};

const main = async (): Promise<void> => {
  const s = settings();
  const pinned = hasTaskset() && pinSelf(s.loadCpu);
  const targets = select(s.only);
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ${process.platform}`;
  console.log(`grantor bench: ${targets.length} targets × ${s.rounds} rounds, ${s.duration} s (+${s.warmup} s warm-up), ${s.connections} connections, pipelining 1`);
  console.log(`machine: ${machine}; server pinned to CPU ${s.serverCpu}: ${hasTaskset()}; load generator pinned to CPU ${s.loadCpu}: ${pinned}`);
  const samples = new Map<string, Sample[]>(targets.map((t) => [t.name, []]));
  const failures = new Map<string, string>();
  for (let round = 1; round <= s.rounds; round++) {
    for (const t of targets) {
      if (failures.has(t.name)) continue;
      try {
        const sample = await runOnce(t, s);
        samples.get(t.name)!.push(sample);
        console.log(`[round ${round}] ${t.name}: ${sample.reqPerSec.toFixed(0)} req/s, p50 ${sample.p50} ms, p99 ${sample.p99} ms, peak RSS ${((sample.peakRss ?? NaN) / 1048576).toFixed(1)} MiB, server CPU ${((sample.serverCpu ?? NaN) * 100).toFixed(0)} %, non-2xx ${sample.non2xx}, errors ${sample.errors}`);
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        failures.set(t.name, msg);
        console.log(`[round ${round}] ${t.name}: NOT RUN: ${msg.split('\n').slice(0, 3).join(' | ')}`);
      }
      await sleep(300);
    }
    // Results after every round: a run cut short still leaves the completed rounds on disk.
    if (round < s.rounds) write(report(targets, samples, failures, s, machine, round), false);
  }
  write(report(targets, samples, failures, s, machine, s.rounds), true);
};

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
