/**
 * What each local D1 database under a wrangler state directory holds and how many bytes it
 * uses, read from its SQLite file (pages in use × page size, WAL included) with python3's
 * sqlite3 module, as Node 20 has no SQLite of its own. Null when python3 is missing.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export interface D1Size {
  /** The database's own tables (not D1's or SQLite's bookkeeping). */
  tables: string[];
  bytes: number;
}

const SCRIPT = `
import glob, json, sqlite3, sys
out = []
for f in sorted(glob.glob(sys.argv[1] + '/v3/d1/*/*.sqlite')):
    if f.endswith('/metadata.sqlite'):
        continue
    c = sqlite3.connect('file:' + f + '?mode=ro', uri=True)
    tables = [r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
              if not r[0].startswith(('_cf_', 'd1_', 'sqlite_'))]
    pages = c.execute('PRAGMA page_count').fetchone()[0] - c.execute('PRAGMA freelist_count').fetchone()[0]
    out.append({'tables': tables, 'bytes': pages * c.execute('PRAGMA page_size').fetchone()[0]})
print(json.dumps(out))
`;

export function localD1Sizes(persistTo: string): D1Size[] | null {
  const res = spawnSync('python3', ['-c', SCRIPT, join(persistTo)], { encoding: 'utf8' });
  if (res.error || res.status !== 0) return null;
  return JSON.parse(res.stdout) as D1Size[];
}
