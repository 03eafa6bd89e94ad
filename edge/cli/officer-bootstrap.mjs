// `npm run officer:bootstrap`: a one-time code that registers the first supervisor of the
// officer console (/officer), printed here. Only while no supervisor exists; supervisors
// invite everyone else. Local D1 by default; `-- --remote` for the deployed database,
// `-- --persist-to DIR` for another local state directory.
import { createOfficerBootstrapCode, migrate } from './lib.mjs';

const args = process.argv.slice(2);
const remote = args.includes('--remote');
const at = args.indexOf('--persist-to');
const persistTo = at >= 0 ? args[at + 1] : undefined;

if (!remote) await migrate(persistTo);
const result = await createOfficerBootstrapCode({ remote, persistTo });
if (!result) {
  console.error('A supervisor already exists: ask them to invite you from the officer console (Cán bộ → Mời cán bộ).');
  process.exit(1);
}
console.log(`First supervisor's one-time code (single use, until ${new Date(result.expiresAt).toISOString()}):\n\n  ${result.code}\n\nOpen /officer, choose "Đăng ký bằng mã", enter the code, your name and unit code, and create a passkey.`);
