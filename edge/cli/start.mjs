// `npm start`: build the PWA, apply migrations, seed the synthetic registry if empty, and
// serve edge + PWA on one port with wrangler dev (workerd + local D1).
import { buildWeb, createOfficerBootstrapCode, ensureDevVars, migrate, readDevVar, seed, seedDemoPortal, startWrangler } from './lib.mjs';

const port = Number(process.env.PORT ?? 8787);
await ensureDevVars();
console.log('Building the PWA…');
await buildWeb();
console.log('Applying D1 migrations (local)…');
await migrate();
const { seeded, total } = await seed({ count: Number(process.env.SEED_COUNT ?? 3000) });
console.log(seeded ? `Seeded the synthetic registry: ${total} citizens.` : `Registry already seeded (${total} citizens).`);
// The demo portal, registered now (when absent) so the officer console lists it before anyone opens /portal/.
const demoPortal = await seedDemoPortal({ origin: `http://localhost:${port}`, sessionSecret: readDevVar('SESSION_SECRET') });
if (demoPortal.registered) console.log('Registered the demo portal "Cổng dịch vụ công (demo)" (client id demo-portal).');
// While no supervisor exists, the officer console needs a first one: print a one-time code.
const bootstrap = await createOfficerBootstrapCode();
const server = await startWrangler({ port });
console.log(`
  Định danh điện tử (mở) is running at ${server.url}

  Demo citizens (register them in the app; SMS codes appear at ${server.url}/api/dev/sms):
    ID number      Full name             Date of birth  Phone
    001090012345   Nguyễn Văn An         1990-05-12     0912345678
    079185004321   Trần Thị Bích Ngọc    1985-11-03     0987654321
    048204000777   Lê Minh Khang         2004-02-29     0701234567
    031162005555   Phạm Thu Hà           1962-08-19     0356789012
${
  bootstrap
    ? `
  Officer console: ${server.url}/officer — no supervisor yet. First supervisor's one-time code
  (single use, valid 24 h; \`npm run officer:bootstrap\` makes a new one):  ${bootstrap.code}
`
    : ''
}
  Press Ctrl+C to stop.
`);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.stop().then(() => process.exit(0)));
