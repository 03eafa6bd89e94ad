/**
 * The shard router (edge/store/shards.ts): map parsing and its checks, routing by ID-number
 * prefix, and the routing keys in ids and tokens (edge/store/shard-keys.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url } from '../../shared/bytes';
import { ID_RANDOM_BYTES, openShardKey, sealShardKey, TOKEN_RANDOM_BYTES } from '../../edge/store/shard-keys';
import { parseShardMap, partitionByShard, shardOf, bindShards, withShardKeys } from '../../edge/store/shards';

describe('shard map', () => {
  it('routes by province prefix, boundaries included', () => {
    const map = parseShardMap('000-039=SHARD_0,040-999=SHARD_1');
    expect(map.bindings).toEqual(['SHARD_0', 'SHARD_1']);
    expect(shardOf(map, '001090012345')).toBe('SHARD_0');
    expect(shardOf(map, '039999999999')).toBe('SHARD_0');
    expect(shardOf(map, '040000000000')).toBe('SHARD_1');
    expect(shardOf(map, '079185004321')).toBe('SHARD_1');
    expect(shardOf(map, '999999999999')).toBe('SHARD_1');
  });

  it('splits one large province by longer prefixes without moving the others; order in the text does not matter', () => {
    const map = parseShardMap('002-999=REST, 001200-001999=HN_B, 000-000=REST, 001000-001199=HN_A');
    expect(map.ranges.map((r) => `${r.from}-${r.to}`)).toEqual(['000000-000999', '001000-001199', '001200-001999', '002000-999999']);
    expect(shardOf(map, '001090012345')).toBe('HN_A'); // born 1990 (century digit 0)
    expect(shardOf(map, '001216008888')).toBe('HN_B'); // born 2016 (century digit 2)
    expect(shardOf(map, '079185004321')).toBe('REST');
    expect(map.bindings).toEqual(['REST', 'HN_A', 'HN_B']);
  });

  it.each([
    ['', /empty/],
    ['000-039=SHARD_0', /prefixes 040000–999999 belong to no shard/],
    ['001-999=A', /prefixes 000000–000999 belong to no shard/],
    ['000-039=A,041-999=B', /prefixes 040000–040999 belong to no shard/],
    ['000-040=A,040-999=B', /prefix 040000 is in two ranges/],
    ['000-39=A,040-999=B', /same number of digits/],
    ['039-000=A', /backwards/],
    ['000-999=registry', /not "from-to=BINDING"/],
    ['000-999', /not "from-to=BINDING"/],
    ['0000000-9999999=A', /not "from-to=BINDING"/],
  ])('refuses %j', (spec, message) => {
    expect(() => parseShardMap(spec)).toThrow(message);
  });

  it('sends every ID number to the one range that contains its prefix (property)', () => {
    fc.assert(
      fc.property(
        // Random cut points make a random covering map.
        fc.uniqueArray(fc.integer({ min: 1, max: 999_999 }), { maxLength: 12 }),
        fc.stringMatching(/^\d{12}$/),
        (cuts, idNumber) => {
          const starts = [0, ...cuts.sort((a, b) => a - b)];
          const pad = (n: number) => String(n).padStart(6, '0');
          const spec = starts.map((s, i) => `${pad(s)}-${pad((starts[i + 1] ?? 1_000_000) - 1)}=S${i}`).join(',');
          const map = parseShardMap(spec);
          const prefix = Number(idNumber.slice(0, 6));
          const expected = starts.findLastIndex((s) => s <= prefix);
          expect(shardOf(map, idNumber)).toBe(`S${expected}`);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses to route something that is not an ID number', () => {
    const map = parseShardMap('000-999=A');
    expect(() => shardOf(map, '12ab56789012')).toThrow(RangeError);
  });

  it('partitions items by shard, and binds only to D1 bindings the worker has', () => {
    const map = parseShardMap('000-039=N,040-999=S');
    const parts = partitionByShard(map, ['001090012345', '079185004321', '031162005555'], (id) => id);
    expect(Object.fromEntries(parts)).toEqual({ N: ['001090012345', '031162005555'], S: ['079185004321'] });
    const fakeDb = { prepare: () => null } as unknown as D1Database;
    expect(() => bindShards(map, { N: fakeDb })).toThrow(/names S, which is not a D1 binding/);
    expect(bindShards(map, { N: fakeDb, S: fakeDb }).dbFor('079185004321')).toBe(fakeDb);
  });
});

const SECRET = 'unit-shard-key-secret-0123456789abcdef';
const idNumber = fc.stringMatching(/^\d{12}$/);
const bytesOf = (n: number) => fc.uint8Array({ minLength: n, maxLength: n }).map((b) => new Uint8Array(b));

describe('routing keys', () => {
  it('an id or a token opens to the ID-number prefix it was sealed with (property)', async () => {
    await fc.assert(
      fc.asyncProperty(idNumber, fc.oneof(bytesOf(ID_RANDOM_BYTES), bytesOf(TOKEN_RANDOM_BYTES)), async (id, random) => {
        const key = await sealShardKey(SECRET, id, random);
        expect(key).toMatch(random.length === ID_RANDOM_BYTES ? /^[A-Za-z0-9_-]{24}$/ : /^[A-Za-z0-9_-]{48}$/);
        // The random part is carried as it is (so an account id made from it is a stable user handle).
        expect(toBase64Url(fromBase64Url(key)!.slice(3))).toBe(toBase64Url(random));
        expect(await openShardKey(SECRET, key)).toBe(id.slice(0, 6));
      }),
      { numRuns: 300 },
    );
  });

  it('the prefix is not readable in the id: 1,000 ids of one citizen carry 1,000 different keys', async () => {
    const keys = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const key = await sealShardKey(SECRET, '001090012345', crypto.getRandomValues(new Uint8Array(ID_RANDOM_BYTES)));
      keys.add(key.slice(0, 4)); // the 3 sealed bytes
    }
    expect(keys.size).toBeGreaterThan(990);
  });

  it('under another secret, or with its random part changed, a key opens to another prefix or to none', async () => {
    let same = 0;
    for (let i = 0; i < 500; i++) {
      const key = await sealShardKey(SECRET, '079185004321', crypto.getRandomValues(new Uint8Array(ID_RANDOM_BYTES)));
      if ((await openShardKey('another-secret-0123456789abcdef0123', key)) === '079185') same++;
      const bytes = fromBase64Url(key)!;
      bytes[10]! ^= 1;
      if ((await openShardKey(SECRET, toBase64Url(bytes))) === '079185') same++;
    }
    // Each of the 1,000 has a chance of 1 in 16.8 million.
    expect(same).toBe(0);
  });

  it.each([
    ['', 'empty'],
    ['not base64url!', 'not base64url'],
    ['AAAAAAAA', 'too short to carry a key'],
    ['A'.repeat(65), 'longer than any id or token'],
    ['AAAAA', 'not a whole number of bytes'],
  ])('refuses %j (%s)', async (key) => {
    expect(await openShardKey(SECRET, key)).toBeNull();
  });

  it('the router sends a new id or token of a citizen to the shard of their ID number, and a forged key to none or to a shard', async () => {
    const map = parseShardMap('000-039=N,040-999=S');
    const n = { prepare: () => null } as unknown as D1Database;
    const s = { prepare: () => null } as unknown as D1Database;
    const router = withShardKeys(bindShards(map, { N: n, S: s }), SECRET);
    expect(router.all.map((x) => x.binding)).toEqual(['N', 'S']);
    await fc.assert(
      fc.asyncProperty(idNumber, fc.boolean(), async (id, token) => {
        const key = token ? await router.newToken(id) : await router.newId(id);
        expect(await router.dbForKey(key)).toBe(id < '040' ? n : s);
      }),
      { numRuns: 300 },
    );
    let refused = 0;
    for (let i = 0; i < 200; i++) {
      const forged = toBase64Url(crypto.getRandomValues(new Uint8Array(18)));
      const db = await router.dbForKey(forged);
      if (db === null) refused++;
      else expect([n, s]).toContain(db);
    }
    // A random key opens to a prefix below 10^6 one time in 16.8.
    expect(refused).toBeGreaterThan(150);
  });
});
