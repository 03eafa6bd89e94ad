// `npm run seed -- [count] [--persist-to DIR] [--force]`: seed the synthetic registry
// (e.g. a million citizens for benchmarks).
import { migrate, seed } from './lib.mjs';

const args = process.argv.slice(2);
const count = Number(args.find((a) => /^\d+$/.test(a)) ?? 3000);
const persistIdx = args.indexOf('--persist-to');
const persistTo = persistIdx >= 0 ? args[persistIdx + 1] : undefined;
await migrate(persistTo);
const started = Date.now();
const { seeded, total } = await seed({ count, persistTo, force: args.includes('--force') });
console.log(seeded ? `Seeded ${total} citizens in ${((Date.now() - started) / 1000).toFixed(1)} s` : `Already seeded (${total}); use --force to add`);
