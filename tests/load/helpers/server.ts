/**
 * The worker under load: `wrangler dev` (workerd + local D1) on its own port and state
 * directory, optionally pinned to one core, with its processes' CPU time read from /proc.
 *
 * `wrangler dev` runs two workerd processes: wrangler's dev proxy, which listens on the
 * public port and forwards every request, and the worker itself (our code and D1's SQLite,
 * which runs in the same process locally).
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { devSecrets, migrate, OFFLINE_ENV, ROOT, run, seed, shardMap } from '../../../edge/cli/lib.mjs';

export interface Server {
  url: string;
  port: number;
  persistTo: string;
  vars: Record<string, string>;
  stop(): Promise<void>;
  /** The wrangler node process and the two workerd processes (empty until found). */
  pids(): { wrangler: number; worker: number | null; proxy: number | null };
  /** The end of wrangler's error output, for failure messages. */
  stderr(): string;
  /** wrangler's DevTools endpoint (CLI only): ws://127.0.0.1:PORT/ws. */
  inspectorPort: number | null;
  /** A crash: SIGKILL to wrangler and both workerd processes at once, nothing flushed or answered. */
  kill(): Promise<void>;
}

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** user + system CPU of a process (all its threads), ms; null once it is gone. */
export function cpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
  } catch {
    return null;
  }
}

function children(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function descendants(pid: number): number[] {
  const all: number[] = [];
  const queue = [pid];
  while (queue.length) {
    const next = children(queue.shift()!);
    all.push(...next);
    queue.push(...next);
  }
  return all;
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/**
 * wrangler's processes: the dev proxy's workerd listens on the public port
 * (`entry=localhost:PORT`), the worker's on a private one (`entry=127.0.0.1:0`).
 */
export function wranglerPids(root: number): { wrangler: number; worker: number | null; proxy: number | null } {
  const tree = [root, ...descendants(root)];
  const workerds = tree.filter((p) => /\/workerd\s+serve/.test(cmdline(p)));
  const isProxy = (p: number) => /--socket-addr=entry=localhost:\d+/.test(cmdline(p));
  return {
    wrangler: root,
    worker: workerds.find((p) => !isProxy(p)) ?? null,
    proxy: workerds.find(isProxy) ?? null,
  };
}

/** A fresh state directory, migrated and seeded with `count` generated citizens (plus the demo ones). */
export async function freshState(persistTo: string, count: number): Promise<void> {
  rmSync(persistTo, { recursive: true, force: true });
  await migrate(persistTo);
  await seed({ count, persistTo });
}

/** Whether something accepts connections on 127.0.0.1:port. */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Waits (up to 10 s) until nothing listens on the port any more: a killed process lets go of it a moment later. */
async function portReleased(port: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await listening(port)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A frozen copy of the worker for a measurement: the bundle `wrangler deploy --dry-run`
 * makes, the built PWA, and a config that points at them with `no_bundle`. `wrangler dev`
 * watches the sources and reloads the worker on every save; other work in the same tree
 * would otherwise restart the worker in the middle of a run (the proxy then answers 503).
 */
export async function snapshotWorker(dir: string): Promise<string> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await run('wrangler', ['deploy', '--dry-run', '--outdir', dir], { quiet: true });
  cpSync(join(ROOT, 'dist'), join(dir, 'assets'), { recursive: true });
  const toml = readFileSync(join(ROOT, 'wrangler.toml'), 'utf8')
    .replace(/^main = .*$/m, 'main = "index.js"\nno_bundle = true')
    .replace(/^directory = "dist"$/m, 'directory = "assets"')
    .replace(/^migrations_dir = "(.*)"$/gm, (_, d: string) => `migrations_dir = ${JSON.stringify(join(ROOT, d))}`);
  const config = join(dir, 'wrangler.toml');
  writeFileSync(config, toml);
  return config;
}

/**
 * Starts `wrangler dev` on a state directory and waits for /api/health; `cpus` runs it (and
 * so workerd) under `taskset -c`; `config` runs a snapshot (snapshotWorker). Stopping sends
 * SIGTERM to wrangler, which ends its workerd children, then SIGKILL to any workerd left.
 */
export async function startServer(opts: {
  port: number;
  persistTo: string;
  cpus?: string;
  vars?: Record<string, string>;
  config?: string;
  /** false: without the DevTools inspector (tests/load/helpers/start-worker.mjs); default: the `wrangler dev` CLI. */
  inspector?: boolean;
}): Promise<Server> {
  const vars = opts.vars ?? (await devSecrets());
  const url = `http://localhost:${opts.port}`;
  // A server left behind by a run that died would answer instead, or make this one fail to bind.
  if (await listening(opts.port)) throw new Error(`port ${opts.port} is in use: another wrangler dev (a leftover run?) is listening there`);
  const inspectorPort = await freePort();
  const cliArgs = [
    join(ROOT, 'node_modules', '.bin', 'wrangler'),
    'dev',
    ...(opts.config ? ['--config', opts.config] : []),
    '--port', String(opts.port),
    // Not the default 9229: other wrangler dev processes on this machine may hold it.
    '--inspector-port', String(inspectorPort),
    '--ip', 'localhost',
    '--show-interactive-dev-session=false',
    '--log-level', process.env.LOAD_WRANGLER_LOG ?? 'error',
    '--persist-to', opts.persistTo,
    ...Object.entries({ ORIGINS: url, ...vars }).flatMap(([k, v]) => ['--var', `${k}:${v}`]),
  ];
  const apiArgs = [
    process.execPath,
    join(ROOT, 'tests', 'load', 'helpers', 'start-worker.mjs'),
    opts.config ?? join(ROOT, 'wrangler.toml'),
    String(opts.port),
    opts.persistTo,
    JSON.stringify({ ORIGINS: url, ...vars }),
  ];
  const args = opts.inspector === false ? apiArgs : cliArgs;
  const [cmd, ...rest] = opts.cpus ? ['taskset', '-c', opts.cpus, ...args] : args;
  const child = spawn(cmd!, rest, { cwd: ROOT, env: { ...process.env, ...OFFLINE_ENV }, stdio: ['ignore', process.env.LOAD_WRANGLER_LOG ? 'inherit' : 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  if (process.env.LOAD_WRANGLER_LOG) child.stderr!.pipe(process.stderr);
  const stop = async () => {
    const { worker, proxy } = wranglerPids(child.pid!);
    const known = [worker, proxy].filter((p): p is number => p !== null);
    if (child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      });
    }
    // A wrangler that had to be killed leaves its workerd behind: end those too, by PID.
    for (const pid of known) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await portReleased(opts.port);
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}: ${stderr}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`wrangler dev did not start within 60 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const pid = child.pid!;
  const kill = async () => {
    const { worker, proxy } = wranglerPids(pid);
    const exited = new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
    for (const p of [worker, proxy, pid]) {
      try {
        if (p) process.kill(p, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await exited;
    await portReleased(opts.port);
  };
  return { url, port: opts.port, persistTo: opts.persistTo, vars, stop, kill, pids: () => wranglerPids(pid), stderr: () => stderr, inspectorPort: opts.inspector === false ? null : inspectorPort };
}

/** Runs SQL on a local D1 state directory with `wrangler d1 execute --json` (the main database, or a shard's binding); the first statement's rows. */
export async function d1Query<T = Record<string, unknown>>(persistTo: string, sql: string, database = 'DB'): Promise<T[]> {
  const out = (await run('wrangler', ['d1', 'execute', database, '--local', '--json', '--command', sql, '--persist-to', persistTo], { quiet: true })) as string;
  const json = JSON.parse(out.slice(out.indexOf('['))) as Array<{ results: T[] }>;
  return json[0]?.results ?? [];
}

/** The same on every account shard the map names (edge/store/shards.ts): the rows of all of them. */
export async function d1QueryShards<T = Record<string, unknown>>(persistTo: string, sql: string): Promise<T[]> {
  const { map } = await shardMap();
  const out: T[] = [];
  for (const binding of map.bindings) out.push(...(await d1Query<T>(persistTo, sql, binding)));
  return out;
}
