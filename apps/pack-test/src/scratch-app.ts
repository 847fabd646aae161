/**
 * What a user outside this repository gets: every published package packed with `pnpm pack` (as `pnpm publish`
 * would), then installed with plain `npm install` into a scratch application in the system's temp folder, where
 * third-party dependencies come from the registry and nothing of the workspace can be resolved.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';

const run = promisify(execFile);

export const workspaceRoot = path.resolve(import.meta.dirname, '..', '..', '..');

export interface PublishedPackage {
  readonly name: string;
  readonly dir: string;
  readonly manifest: Readonly<Record<string, unknown>>;
}

/** Every non-private package under packages/ (the ones `pnpm -r publish` publishes). */
export const publishedPackages = (): readonly PublishedPackage[] =>
  readdirSync(path.join(workspaceRoot, 'packages'))
    .map((name) => path.join(workspaceRoot, 'packages', name))
    .filter((dir) => existsSync(path.join(dir, 'package.json')))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Record<string, unknown> }))
    .filter(({ manifest }) => manifest['private'] !== true)
    .map(({ dir, manifest }) => ({ name: String(manifest['name']), dir, manifest }));

/** The version the workspace catalog (pnpm-workspace.yaml) pins for a third-party package. */
export const catalogVersion = (name: string): string => {
  const yaml = readFileSync(path.join(workspaceRoot, 'pnpm-workspace.yaml'), 'utf8');
  const line = yaml.split('\n').find((l) => l.replace(/["']/g, '').trim().startsWith(`${name}:`));
  const version = line?.split(':').pop()?.trim();
  if (version === undefined || version === '') throw new Error(`no catalog version for ${name}`);
  return version;
};

/** The environment of a user's shell: nothing pnpm or vitest added (NODE_PATH would reach the workspace's modules). */
const userEnv = (): NodeJS.ProcessEnv =>
  Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_|pnpm_|NODE_PATH$|NODE_OPTIONS$|VITEST|TEST$|INIT_CWD$)/i.test(k)));

export interface PackedPackage extends PublishedPackage {
  readonly tarball: string;
  readonly bytes: number;
  readonly files: readonly string[];
}

/** `pnpm pack` of every published package into `destination`, in one pnpm run. */
export const packAll = async (packages: readonly PublishedPackage[], destination: string): Promise<readonly PackedPackage[]> => {
  const filters = packages.flatMap((p) => ['--filter', p.name]);
  const { stdout } = await run('npx', ['-y', 'pnpm@10.34.8', '-r', ...filters, 'pack', '--pack-destination', destination, '--json'], {
    cwd: workspaceRoot,
    env: userEnv(),
    maxBuffer: 64 * 1024 * 1024,
  });
  const reports = JSON.parse(stdout) as readonly { name: string; filename: string; files: readonly { path: string }[] }[];
  return packages.map((p) => {
    const report = reports.find((r) => r.name === p.name);
    if (report === undefined) throw new Error(`pnpm pack did not pack ${p.name}`);
    return { ...p, tarball: report.filename, bytes: readFileSync(report.filename).length, files: report.files.map((f) => f.path) };
  });
};

/** The package.json inside a tarball, as the registry would serve it. */
export const tarballManifest = async (tarball: string): Promise<string> =>
  (await run('tar', ['-xzOf', tarball, 'package/package.json'], { maxBuffer: 1024 * 1024 })).stdout;

/**
 * A scratch app in the system temp folder depending on every tarball (`overrides` make the packages' dependencies
 * on each other resolve to the tarballs too, never to the registry) and on the given registry packages; one
 * `npm install`.
 */
export const installScratchApp = async (packed: readonly PackedPackage[], registryDeps: Readonly<Record<string, string>>): Promise<string> => {
  const app = mkdtempSync(path.join(tmpdir(), 'grantor-scratch-app-'));
  if (path.relative(workspaceRoot, app).split(path.sep)[0] !== '..') throw new Error(`scratch app ${app} is inside the workspace`);
  const local = Object.fromEntries(packed.map((p) => [p.name, `file:${p.tarball}`]));
  writeFileSync(
    path.join(app, 'package.json'),
    JSON.stringify({ name: 'grantor-scratch-app', version: '1.0.0', private: true, type: 'module', dependencies: { ...local, ...registryDeps }, overrides: local }, null, 2),
  );
  await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: app, env: userEnv(), maxBuffer: 16 * 1024 * 1024 });
  return app;
};

export interface Exit {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command in the scratch app; resolves with its exit status and output (never rejects on a non-zero exit). */
export const runIn = async (cwd: string, file: string, args: readonly string[]): Promise<Exit> => {
  try {
    const { stdout, stderr } = await run(file, args, { cwd, env: userEnv(), timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const failure = e as { code?: unknown; stdout?: string; stderr?: string };
    return { code: typeof failure.code === 'number' ? failure.code : null, stdout: failure.stdout ?? '', stderr: failure.stderr ?? String(e) };
  }
};

/** A README's TypeScript block as the JavaScript a user's build would run (types stripped, nothing else changed). */
const toJavaScript = (code: string): string =>
  ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false } }).outputText;

export interface RunningExample {
  readonly base: string;
  readonly stop: () => Promise<void>;
}

/**
 * Starts `node <name>.mjs` in the scratch app (the example with port 3000 replaced) and resolves once it answers
 * HTTP on 127.0.0.1, or rejects with its output if it exits first or is not up within 30 s.
 */
export const startExample = async (app: string, name: string, code: string, port: number): Promise<RunningExample> => {
  mkdirSync(path.join(app, 'examples'), { recursive: true });
  const file = path.join(app, 'examples', `${name}.mjs`);
  writeFileSync(file, toJavaScript(code.replaceAll('3000', String(port))));
  const child: ChildProcess = spawn(process.execPath, [file], { cwd: app, env: userEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before serving:\n${output}`);
    try {
      await fetch(`${base}/.well-known/openid-configuration`);
      return { base, stop };
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`${name} did not answer on ${base} within 30 s:\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
};
