/**
 * Accounts at scale, inserted with SQL, so that only the measured requests go through the
 * API. For every generated registry citizen with a phone (edge/registries/synthetic.ts, the
 * same index the seed used) one account as registration leaves it: the account, its device
 * key, its passkey (discoverable, ES256, counter 0), the cron's reminder row and the audit
 * event of the activation, all on the shard of the citizen's ID number (edge/store/shards.ts),
 * the account id sealed with the worker's SHARD_KEY_SECRET as the worker makes it
 * (edge/store/shard-keys.ts); and the device key and the credential in the main database's
 * directory (key_directory), as a registration confirms them. `measured` of them get real keys
 * whose private halves are kept, spread evenly over the population; the others get random
 * points of the same sizes.
 *
 * Files are run with `wrangler d1 execute --local --file` (each file one transaction), each
 * statement under D1's 100 KB limit. Loading is what a database restore does: each table's
 * rows in primary-key order, the secondary indexes dropped first and built again at the end
 * from their own `CREATE INDEX` text in sqlite_master, so the schema ends exactly as the
 * migrations made it. Inserting a million accounts in random key order into indexed
 * tables instead costs random page writes into a growing WAL (about 2.7 ms an account here).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, shardMap } from '../../../edge/cli/lib.mjs';
import { syntheticCitizen } from '../../../edge/registries/synthetic';
import { ID_RANDOM_BYTES, sealShardKey } from '../../../edge/store/shard-keys';
import { coseKey, deviceKeyIdOf, exportP256, newP256, rawPoint, type P256, type PhoneKeys } from './node-authenticator';
import { d1Query } from './server';

/**
 * D1 refuses statements over 100 KB, but smaller is much faster here: `wrangler d1 execute`
 * splits a file into statements with a scan that is quadratic in a statement's length.
 */
const MAX_STATEMENT_CHARS = 8_000;
/** Rows per SQL file (one `wrangler d1 execute`, one transaction, each). */
const ROWS_PER_FILE = 250_000;
const DAY = 86_400_000;
/** The tables written on each shard. */
const TABLES = ['accounts', 'device_keys', 'passkeys', 'account_reminders', 'audit_log'] as const;

const q = (s: string | null) => (s === null ? 'NULL' : `'${s.replace(/'/g, "''")}'`);
const hex = (b: Uint8Array) => `X'${Buffer.from(b).toString('hex')}'`;

/** Multi-row INSERTs, each statement under the size limit. */
function statements(head: string, rows: Iterable<string>): string[] {
  const out: string[] = [];
  let batch: string[] = [];
  let size = head.length;
  for (const row of rows) {
    if (size + row.length + 1 > MAX_STATEMENT_CHARS && batch.length) {
      out.push(`${head}${batch.join(',')};`);
      batch = [];
      size = head.length;
    }
    batch.push(row);
    size += row.length + 1;
  }
  if (batch.length) out.push(`${head}${batch.join(',')};`);
  return out;
}

interface Planned {
  i: number;
  id: string;
  /** The binding of the shard that holds the account. */
  shard: string;
  idNumber: string;
  phone: string;
  birthMd: string;
  cardExpires: string;
  createdAt: number;
  level: 1 | 2;
  credentialId: string;
  keyId: string;
}

export interface BulkResult {
  /** Registry citizens looked at, accounts made. */
  citizens: number;
  accounts: number;
  /** The phones that can sign in (real keys), with their ID numbers. */
  phones: Array<PhoneKeys & { idNumber: string; level: 1 | 2 }>;
  /** Wall time to generate the SQL and to run it (including rebuilding indexes), ms. */
  generateMs: number;
  insertMs: number;
  indexMs: number;
  sqlBytes: number;
}

/**
 * Inserts accounts for the first `citizens` generated registry citizens (those with a
 * phone), `level2Share` of them level 2 (the national split is 53.4 of 68.4 million).
 * Meant for a state directory with no accounts yet (a fresh seed).
 */
export async function insertAccounts(opts: {
  persistTo: string;
  citizens: number;
  measured: number;
  /** The SHARD_KEY_SECRET the worker will run with: account ids are sealed with it. */
  shardKeySecret: string;
  level2Share?: number;
  now?: number;
  log?: (line: string) => void;
}): Promise<BulkResult> {
  const now = opts.now ?? Date.now();
  const level2Share = opts.level2Share ?? 0.78;
  const salt = randomBytes(16);
  /** Random-looking bytes, reproducible within this run (so rows can be made again, table by table, without keeping them). */
  const bytes = (label: string, i: number, n = 32) => createHash('sha256').update(salt).update(`${label}:${i}`).digest().subarray(0, n);

  // 1. The plan: who gets an account, with which identifiers. The measured phones get real keys.
  let t0 = performance.now();
  const { shardOf } = await shardMap();
  const planned: Planned[] = [];
  for (let i = 0; i < opts.citizens; i++) {
    const c = syntheticCitizen(i);
    if (!c.phone) continue;
    planned.push({
      i,
      id: '',
      shard: shardOf(c.idNumber),
      idNumber: c.idNumber,
      phone: c.phone,
      birthMd: c.birthDate.slice(5),
      cardExpires: c.cardExpires,
      createdAt: now - ((i * 2_654_435_761) % 1_000) * DAY - (i % 86_400_000),
      level: (i * 40_503) % 1000 < level2Share * 1000 ? 2 : 1,
      credentialId: bytes('credential', i).toString('base64url'),
      keyId: '',
    });
  }
  // The account id as the worker makes it: the ID number's shard key sealed over a random part.
  for (let k = 0; k < planned.length; k += 10_000) {
    await Promise.all(planned.slice(k, k + 10_000).map(async (p) => (p.id = await sealShardKey(opts.shardKeySecret, p.idNumber, new Uint8Array(bytes('account', p.i, ID_RANDOM_BYTES))))));
  }
  const every = Math.max(1, Math.floor(planned.length / opts.measured));
  const real = new Map<number, { passkey: P256; device: P256 }>();
  for (let k = 0; k < planned.length && real.size < opts.measured; k += every) real.set(planned[k]!.i, { passkey: newP256(), device: newP256() });
  const devicePoint = (i: number) => {
    const r = real.get(i);
    return r ? rawPoint(r.device.x, r.device.y) : rawPoint(bytes('device-x', i), bytes('device-y', i));
  };
  const passkeyCose = (i: number) => {
    const r = real.get(i);
    return r ? coseKey(r.passkey.x, r.passkey.y) : coseKey(bytes('passkey-x', i), bytes('passkey-y', i));
  };
  for (const p of planned) p.keyId = deviceKeyIdOf(devicePoint(p.i));
  const phones: BulkResult['phones'] = planned
    .filter((p) => real.has(p.i))
    .map((p) => {
      const r = real.get(p.i)!;
      return { credentialId: p.credentialId, userHandle: p.id, passkey: exportP256(r.passkey), counter: 0, deviceKey: exportP256(r.device), deviceKeyId: p.keyId, idNumber: p.idNumber, level: p.level };
    });
  let generateMs = performance.now() - t0;

  // 2.–4. On each shard, its own accounts; then the directory in the main database.
  const tmp = join(opts.persistTo, '..', `bulk-sql-${process.pid}`);
  mkdirSync(tmp, { recursive: true });
  let insertMs = 0;
  let sqlBytes = 0;
  let indexMs = 0;
  const byKey = (rows: Planned[], key: (p: Planned) => string) => [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  /** Files of ROWS_PER_FILE rows, each one `wrangler d1 execute` on `database`. */
  const load = async (database: string, name: string, head: string, rows: string[]) => {
    for (let start = 0; start < rows.length; start += ROWS_PER_FILE) {
      t0 = performance.now();
      const sql = statements(head, rows.slice(start, start + ROWS_PER_FILE)).join('\n');
      const file = join(tmp, `${database}-${name}-${start}.sql`);
      writeFileSync(file, sql);
      sqlBytes += sql.length;
      const t1 = performance.now();
      generateMs += t1 - t0;
      await run('wrangler', ['d1', 'execute', database, '--local', '--file', file, '--persist-to', opts.persistTo], { quiet: true });
      if (process.env.BULK_KEEP_SQL) writeFileSync(`${process.env.BULK_KEEP_SQL}/${database}-${name}-${start}.sql`, sql);
      rmSync(file);
      insertMs += performance.now() - t1;
      opts.log?.(`bulk: ${database} ${name} ${Math.min(rows.length, start + ROWS_PER_FILE).toLocaleString('en-US')} / ${rows.length.toLocaleString('en-US')}`);
    }
  };
  try {
    for (const shard of [...new Set(planned.map((p) => p.shard))]) {
      const mine = planned.filter((p) => p.shard === shard);
      // Secondary indexes out of the way (kept verbatim to put back), and the trigger that queues a
      // new account for the cron's reminders: these accounts come with their reminder rows.
      const indexes = await d1Query<{ type: 'index' | 'trigger'; name: string; sql: string }>(
        opts.persistTo,
        `SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND sql IS NOT NULL AND tbl_name IN (${TABLES.map((t) => `'${t}'`).join(',')})`,
        shard,
      );
      await d1Query(opts.persistTo, indexes.map((x) => `DROP ${x.type.toUpperCase()} ${x.name};`).join(' '), shard);
      try {
        // Each table in primary-key order.
        await load(shard, 'accounts', 'INSERT INTO accounts (id, id_number, level, status, phone, email, created_at, updated_at) VALUES ', byKey(mine, (p) => p.id).map(
          (p) => `(${q(p.id)},${q(p.idNumber)},${p.level},'active',${q(p.phone)},NULL,${p.createdAt},${p.createdAt})`,
        ));
        await load(shard, 'device_keys', 'INSERT INTO device_keys (key_id, account_id, public_key, label, created_at, last_used_at, revoked_at) VALUES ', byKey(mine, (p) => p.keyId).map(
          (p) => `(${q(p.keyId)},${q(p.id)},${hex(devicePoint(p.i))},'Android Chrome',${p.createdAt},NULL,NULL)`,
        ));
        await load(
          shard,
          'passkeys',
          'INSERT INTO passkeys (credential_id, account_id, device_key_id, public_key, counter, backup_eligible, backed_up, transports, created_at, last_used_at, revoked_at) VALUES ',
          byKey(mine, (p) => p.credentialId).map((p) => `(${q(p.credentialId)},${q(p.id)},${q(p.keyId)},${hex(passkeyCose(p.i))},0,0,0,'["internal"]',${p.createdAt},NULL,NULL)`),
        );
        await load(shard, 'account_reminders', 'INSERT INTO account_reminders (account_id, birth_md, card_expires, updated_at) VALUES ', byKey(mine, (p) => p.id).map(
          (p) => `(${q(p.id)},${q(p.birthMd)},${q(p.cardExpires)},${p.createdAt})`,
        ));
        await load(shard, 'audit_log', 'INSERT INTO audit_log (at, actor, action, subject, detail) VALUES ', [...mine].sort((a, b) => a.createdAt - b.createdAt).map(
          (p) => `(${p.createdAt},${q(`account:${p.id}`)},'account.activated',${q(p.id)},${q(JSON.stringify({ level: p.level, deviceKeyId: p.keyId, backupEligible: false }))})`,
        ));
      } finally {
        // The indexes and the trigger again, exactly as they were (also after a failure: the schema must not stay changed).
        t0 = performance.now();
        await d1Query(opts.persistTo, indexes.map((x) => `${x.sql};`).join(' '), shard);
        indexMs += performance.now() - t0;
      }
    }
    // The global directory: every device key and credential bound (16 bytes of SHA-256 each, store/directory.ts), in key order.
    const directoryKey = (kind: string, id: string) => createHash('sha256').update(`${kind}:${id}`).digest().subarray(0, 16).toString('hex');
    const keys = planned.flatMap((p) => [directoryKey('device', p.keyId), directoryKey('credential', p.credentialId)]).sort();
    await load('DB', 'key_directory', 'INSERT INTO key_directory (key) VALUES ', keys.map((k) => `(X'${k}')`));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return { citizens: opts.citizens, accounts: planned.length, phones, generateMs, insertMs, indexMs, sqlBytes };
}
