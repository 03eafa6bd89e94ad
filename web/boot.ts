/**
 * The first script of a start (index.html runs it `async`, before the app's own chunk has
 * downloaded and compiled): it starts opening the app's IndexedDB database, which in a freshly
 * started browser is the slowest step before the first screen (300–400 ms at 4× CPU, most of
 * it outside the page), so that the cached account and the wallet's key record are read the
 * moment the app asks. wallet/db.ts takes the connection. It imports nothing, so it runs on
 * its own. The stores are made here too: the request that opens the database must upgrade it.
 */

export const DB_NAME = 'vneid';
/** A new store: add it in `upgrade` under `if (oldVersion < N)` and bump DB_VERSION (and IdentityDB in wallet/db.ts). */
export const DB_VERSION = 3;

function upgrade(database: IDBDatabase, oldVersion: number, tx: IDBTransaction): void {
  if (oldVersion < 1) {
    database.createObjectStore('device-key');
    database.createObjectStore('account');
  }
  if (oldVersion < 2) {
    database.createObjectStore('wallet-key');
    database.createObjectStore('wallet-documents');
    database.createObjectStore('verifier-lists');
  }
  if (oldVersion < 3) {
    // The status list in parts (FORMAT.md §9), keyed by part number. The one list kept before is
    // part 0 by the format's rule (a token without a part claim): it moves, so an offline
    // verifier keeps checking after the update.
    const parts = database.createObjectStore('status-parts');
    if (oldVersion >= 2) {
      const lists = tx.objectStore('verifier-lists');
      const old = lists.get('status-list');
      old.onsuccess = () => {
        if (!old.result) return;
        parts.put({ ...old.result, confirmedAt: null }, 0);
        lists.delete('status-list');
      };
    }
  }
}

/** Opens the app's database at DB_VERSION, making or upgrading its stores where needed. */
export function openDatabase(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, DB_VERSION);
    request.onupgradeneeded = (event) => upgrade(request.result, event.oldVersion, request.transaction!);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB open failed'));
  });
}

let early: Promise<IDBDatabase> | null = typeof indexedDB === 'undefined' ? null : openDatabase();
// A failed open (private mode, storage full) is seen, and retried, by the first db() call.
early?.catch(() => undefined);

/** The connection this script started to open, once (the next caller opens its own). */
export function takeEarlyOpen(): Promise<IDBDatabase> | null {
  const opening = early;
  early = null;
  return opening;
}
