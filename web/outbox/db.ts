/**
 * The services' IndexedDB, shared by the page and the service worker: the offline outbox
 * (submissions waiting to be sent, photos as Blobs), and the last copies of what the edge
 * answered (history, notifications, the news feed and its images) for offline reading.
 *
 * A database of its own (not the wallet's `vneid`), so the two evolve their versions
 * without waiting for each other.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { ReportRequest, ResidenceNoticeRequest } from '../../shared/services';

export type OutboxKind = 'residence' | 'report';
export type OutboxState = 'pending' | 'sent' | 'rejected';

/** One submission made on this phone. Its key is the idempotency key the edge stores it under. */
export interface OutboxItem {
  key: string;
  kind: OutboxKind;
  body: ResidenceNoticeRequest | ReportRequest;
  /** Report photos, resized on the phone (JPEG). */
  photos: Blob[];
  createdAt: number;
  state: OutboxState;
  attempts: number;
  lastAttemptAt: number | null;
  /** Why the last attempt did not go through (a pending item keeps trying; a rejected one stops). */
  error: { code: string; message: string; field?: string } | null;
  /** The edge's record once sent: its id and status then. */
  result: { id: string; status: string } | null;
  sentAt: number | null;
}

export interface Cached<T> {
  value: T;
  savedAt: number;
}

interface ServicesDB extends DBSchema {
  outbox: { key: string; value: OutboxItem; indexes: { byCreated: number } };
  cache: { key: string; value: Cached<unknown> };
  'news-images': { key: string; value: Blob };
}

const DB_NAME = 'vneid-services';
const DB_VERSION = 1;

let dbPromise: Promise<IDBPDatabase<ServicesDB>> | null = null;

function db(): Promise<IDBPDatabase<ServicesDB>> {
  dbPromise ??= openDB<ServicesDB>(DB_NAME, DB_VERSION, {
    upgrade(database, oldVersion) {
      if (oldVersion < 1) {
        database.createObjectStore('outbox', { keyPath: 'key' }).createIndex('byCreated', 'createdAt');
        database.createObjectStore('cache');
        database.createObjectStore('news-images');
      }
    },
    blocking() {
      void dbPromise?.then((d) => d.close());
      dbPromise = null;
    },
    terminated() {
      dbPromise = null;
    },
  });
  dbPromise.catch(() => {
    dbPromise = null;
  });
  return dbPromise;
}

/** Puts a new submission in the outbox. It is on the phone (durably) once this resolves. */
export async function addToOutbox(item: OutboxItem): Promise<void> {
  await (await db()).add('outbox', item);
}

export async function listOutbox(kind?: OutboxKind): Promise<OutboxItem[]> {
  const all = await (await db()).getAllFromIndex('outbox', 'byCreated');
  return kind ? all.filter((i) => i.kind === kind) : all;
}

export async function getOutboxItem(key: string): Promise<OutboxItem | null> {
  return (await (await db()).get('outbox', key)) ?? null;
}

/** Applies a change to one item in its own transaction (never awaiting anything else inside it). */
export async function updateOutboxItem(key: string, change: (item: OutboxItem) => OutboxItem): Promise<OutboxItem | null> {
  const tx = (await db()).transaction('outbox', 'readwrite');
  const item = await tx.store.get(key);
  if (!item) {
    await tx.done;
    return null;
  }
  const next = change(item);
  await tx.store.put(next);
  await tx.done;
  return next;
}

export async function deleteOutboxItem(key: string): Promise<void> {
  await (await db()).delete('outbox', key);
}

/** Sent items are kept a week for the "sent" label, then the edge's history is enough. */
export async function pruneSent(now: number, keepMs = 7 * 86_400_000): Promise<void> {
  const database = await db();
  for (const item of await database.getAll('outbox')) {
    if (item.state === 'sent' && item.sentAt !== null && now - item.sentAt > keepMs) await database.delete('outbox', item.key);
  }
}

export async function readCache<T>(key: string): Promise<Cached<T> | null> {
  return ((await (await db()).get('cache', key)) as Cached<T> | undefined) ?? null;
}

export async function writeCache<T>(key: string, value: T, now = Date.now()): Promise<void> {
  await (await db()).put('cache', { value, savedAt: now }, key);
}

export async function clearServicesData(): Promise<void> {
  const database = await db();
  await Promise.all([database.clear('cache'), database.clear('news-images')]);
}

export async function getNewsImage(id: string): Promise<Blob | null> {
  return (await (await db()).get('news-images', id)) ?? null;
}

export async function putNewsImage(id: string, blob: Blob): Promise<void> {
  await (await db()).put('news-images', blob, id);
}

/** Keeps the images of the given articles only. */
export async function keepNewsImages(ids: readonly string[]): Promise<void> {
  const database = await db();
  const keep = new Set(ids);
  for (const key of await database.getAllKeys('news-images')) if (!keep.has(key)) await database.delete('news-images', key);
}
