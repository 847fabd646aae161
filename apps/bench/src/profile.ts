/**
 * Summarises a V8 .cpuprofile (from BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=…"): self time by function and by
 * package (workspace package, dependency, or node internals). Usage: node dist/profile.js <file.cpuprofile> [top]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const packageOf = (url: string): string => {
  if (url === '') return '(vm: gc, idle, program)';
  if (url.startsWith('node:')) return 'node internals';
  const ws = /\/(packages|apps)\/([^/]+)\//.exec(url);
  const nm = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (nm !== null) return nm[1]!;
  if (ws !== null) return `@grantor/${ws[2]!}`;
  return url;
};

const main = (): void => {
  const [file, topArg] = process.argv.slice(2);
  if (file === undefined) throw new Error('usage: node dist/profile.js <file.cpuprofile> [top]');
  const top = Number(topArg ?? 25);
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const fnTime = new Map<string, number>();
  const pkgTime = new Map<string, number>();
  for (const [id, t] of self) {
    const n = byId.get(id)!;
    const { functionName, url, lineNumber } = n.callFrame;
    const short = url.replace(/^.*\/(packages|apps|node_modules)\//, '$1/');
    const key = `${functionName || '(anonymous)'}  ${short}:${lineNumber + 1}`;
    fnTime.set(key, (fnTime.get(key) ?? 0) + t);
    const pkg = n.callFrame.functionName === '(idle)' ? '(idle)' : packageOf(url);
    pkgTime.set(pkg, (pkgTime.get(pkg) ?? 0) + t);
  }
  const pct = (t: number): string => `${((100 * t) / total).toFixed(1).padStart(5)} %`;
  console.log(`total ${(total / 1e6).toFixed(2)} s sampled\n\nself time by package:`);
  for (const [k, t] of [...pkgTime].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(t)}  ${k}`);
  console.log('\nself time by function:');
  for (const [k, t] of [...fnTime].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(t)}  ${k}`);
};

main();
