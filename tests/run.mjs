// `npm test`: type-check everything, build the PWA (the workers pool and the e2e server
// serve it), then run every test project in one vitest run (unit, edge in workerd, e2e).
import { buildWeb, run } from '../edge/cli/lib.mjs';

const started = Date.now();
try {
  for (const project of ['web', 'edge', 'tests']) await run('tsc', ['-p', project]);
  await buildWeb();
  await run('vitest', ['run', ...process.argv.slice(2)]);
  console.log(`Suite finished in ${((Date.now() - started) / 1000).toFixed(0)} s`);
} catch (err) {
  console.error(err.message);
  console.error(`Suite failed after ${((Date.now() - started) / 1000).toFixed(0)} s`);
  process.exit(1);
}
