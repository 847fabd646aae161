import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { ReadyMessage, TargetMessage } from './protocol.js';

let tasksetChecked: boolean | undefined;
/** True when `taskset` is on the PATH (util-linux). */
export const hasTaskset = (): boolean => {
  if (tasksetChecked === undefined) tasksetChecked = spawnSync('taskset', ['-V'], { stdio: 'ignore' }).status === 0;
  return tasksetChecked;
};

/** Pins an already running process (e.g. this one, the load generator) to one CPU. */
export const pinSelf = (cpu: number): boolean =>
  hasTaskset() && spawnSync('taskset', ['-cp', String(cpu), String(process.pid)], { stdio: 'ignore' }).status === 0;

export interface RunningTarget {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly ready: ReadyMessage;
}

/**
 * Starts a FRESH Node process for one target (`entry` is a compiled file under dist/targets), pinned to `cpu` with
 * `taskset -c` when available (taskset execs node, so the pid is node's), and waits for its ready message.
 */
export const startTarget = (entry: string, args: readonly string[], env: Readonly<Record<string, string>>, cpu: string, timeoutMs = 120_000): Promise<RunningTarget> =>
  new Promise((resolve, reject) => {
    const nodeArgs = [...(process.env['BENCH_NODE_ARGS'] ?? '').split(' ').filter((a) => a !== ''), entry, ...args];
    const [cmd, argv] = hasTaskset() ? ['taskset', ['-c', String(cpu), process.execPath, ...nodeArgs]] as const : [process.execPath, nodeArgs] as const;
    const child = spawn(cmd, argv, {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, ...env, NODE_ENV: 'production' },
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${entry} ${args.join(' ')}: not ready after ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${entry} ${args.join(' ')}: exited before ready (code ${code}, signal ${signal})`));
    });
    child.on('message', (m: TargetMessage) => {
      clearTimeout(timer);
      if (m.type === 'ready' && child.pid !== undefined) resolve({ child, pid: child.pid, ready: m });
      else {
        child.kill('SIGKILL');
        reject(new Error(`${entry} ${args.join(' ')}: ${m.type === 'failed' ? m.error : 'no pid'}`));
      }
    });
  });

/** Peak resident set size (VmHWM) of a live process, in bytes; undefined where /proc is unavailable. */
export const peakRss = (pid: number): number | undefined => {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
    return m?.[1] === undefined ? undefined : Number(m[1]) * 1024;
  } catch {
    return undefined;
  }
};

/**
 * CPU seconds (user + system) a live process has used so far, from /proc/<pid>/stat (clock ticks, USER_HZ = 100 on
 * Linux); undefined where /proc is unavailable. Used to show whether the server was saturated during a run.
 */
export const cpuSeconds = (pid: number): number | undefined => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
};

/** Stops a target process started by `startTarget` (by its pid only) and waits for it to exit. */
export const stopTarget = (t: RunningTarget): Promise<void> =>
  new Promise((resolve) => {
    if (t.child.exitCode !== null || t.child.signalCode !== null) {
      resolve();
      return;
    }
    const kill = setTimeout(() => t.child.kill('SIGKILL'), 3000);
    t.child.removeAllListeners('exit');
    t.child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    t.child.kill('SIGTERM');
  });
