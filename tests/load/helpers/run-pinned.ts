/**
 * Runs an exported function of a TypeScript module in a child Node process pinned to some
 * cores (`taskset -c`), through Vite's module runner, and returns its JSON result: the load
 * generator runs on the core the worker does not.
 */
import { spawn } from 'node:child_process';
import { ROOT } from '../../../edge/cli/lib.mjs';

export function runPinned<T>(cpus: string, modulePath: string, fn: string, arg: unknown, opts: { timeoutMs?: number; log?: (line: string) => void } = {}): Promise<T> {
  const script = `
    const { createServer, createServerModuleRunner } = await import('vite');
    const server = await createServer({ configFile: false, logLevel: 'error', appType: 'custom', server: { middlewareMode: true, hmr: false, ws: false } });
    const runner = createServerModuleRunner(server.environments.ssr, { hmr: false });
    const module = await runner.import(${JSON.stringify(modulePath)});
    const result = await module[${JSON.stringify(fn)}](JSON.parse(process.env.PINNED_ARG));
    process.stdout.write('\\n@@RESULT@@' + JSON.stringify(result) + '\\n');
    process.exit(0);
  `;
  return new Promise((resolve, reject) => {
    const child = spawn('taskset', ['-c', cpus, process.execPath, '--input-type=module', '-e', script], {
      cwd: ROOT,
      env: { ...process.env, PINNED_ARG: JSON.stringify(arg) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      const lines = out.split('\n');
      out = lines.pop()!;
      for (const line of lines) {
        if (line.startsWith('@@RESULT@@')) {
          try {
            resolve(JSON.parse(line.slice('@@RESULT@@'.length)) as T);
          } catch (e) {
            reject(e as Error);
          }
        } else if (line.trim()) opts.log?.(line);
      }
    });
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-8000)));
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
    child.on('error', reject);
    child.on('exit', (code) => {
      if (timer) clearTimeout(timer);
      if (code !== 0) reject(new Error(`${modulePath}#${fn} exited ${code}: ${err}`));
    });
  });
}
