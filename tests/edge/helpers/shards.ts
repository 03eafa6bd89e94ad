/**
 * The databases as the tests reach them: the main one, and the account shard of a citizen
 * (edge/store/shards.ts), found by ID number or by the routing key an id or token carries
 * (edge/store/shard-keys.ts), as the worker's router finds it.
 */
import { env } from 'cloudflare:test';
import { mainDb, shardRouter } from '../../../edge/http/app';
import type { MainDb, ShardDb } from '../../../edge/store/shards';

export function main(): MainDb {
  return mainDb(env);
}

/** The shard of a 12-digit ID number, or of the account id, token or record id given. */
export async function shardDb(idNumberOrKey: string): Promise<ShardDb> {
  const router = shardRouter(env);
  if (/^\d{12}$/.test(idNumberOrKey)) return router.dbFor(idNumberOrKey);
  const db = await router.dbForKey(idNumberOrKey);
  if (!db) throw new Error(`shardDb: ${idNumberOrKey} names no shard`);
  return db;
}

/** Every shard, in the map's order. */
export function shards(): ReadonlyArray<{ binding: string; db: ShardDb }> {
  return shardRouter(env).all;
}

/** The shard of an ID number or routing key, with its binding (to put a wrapped database in its place in an env). */
export async function shardOf(idNumberOrKey: string): Promise<{ binding: string; db: ShardDb }> {
  const db = await shardDb(idNumberOrKey);
  return shardRouter(env).all.find((s) => s.db === db)!;
}

/** The account of a registration's answer, as the domain takes it (id and ID number). */
export function accountOf(me: { accountId: string; idNumber: string }): { id: string; idNumber: string } {
  return { id: me.accountId, idNumber: me.idNumber };
}

/** Runs a statement on every shard (test set-up that spans accounts). */
export async function onEveryShard(sql: string): Promise<void> {
  for (const { db } of shards()) await db.prepare(sql).run();
}

/** A count (the query's column `n`) summed over every shard: where a row must be on none, or on exactly one. */
export async function countOnShards(sql: string, ...binds: unknown[]): Promise<number> {
  let n = 0;
  for (const { db } of shards()) n += (await db.prepare(sql).bind(...binds).first<number>('n')) ?? 0;
  return n;
}

/** The same over the main database too (for the audit log, which both kinds of database keep). */
export async function countEverywhere(sql: string, ...binds: unknown[]): Promise<number> {
  return (await countOnShards(sql, ...binds)) + ((await main().prepare(sql).bind(...binds).first<number>('n')) ?? 0);
}

/** All rows of a query, from every shard. */
export async function allOnShards<T>(sql: string, ...binds: unknown[]): Promise<T[]> {
  const out: T[] = [];
  for (const { db } of shards()) out.push(...(await db.prepare(sql).bind(...binds).all<T>()).results);
  return out;
}
