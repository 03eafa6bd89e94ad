/** The shard router (edge/store/shards.ts): map parsing and its checks, and routing by ID-number prefix. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseShardMap, partitionByShard, shardOf, bindShards } from '../../edge/store/shards';

describe('shard map', () => {
  it('routes by province prefix, boundaries included', () => {
    const map = parseShardMap('000-039=REGISTRY_0,040-999=REGISTRY_1');
    expect(map.bindings).toEqual(['REGISTRY_0', 'REGISTRY_1']);
    expect(shardOf(map, '001090012345')).toBe('REGISTRY_0');
    expect(shardOf(map, '039999999999')).toBe('REGISTRY_0');
    expect(shardOf(map, '040000000000')).toBe('REGISTRY_1');
    expect(shardOf(map, '079185004321')).toBe('REGISTRY_1');
    expect(shardOf(map, '999999999999')).toBe('REGISTRY_1');
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
    ['000-039=REGISTRY_0', /prefixes 040000–999999 belong to no shard/],
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
