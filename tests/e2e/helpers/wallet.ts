/**
 * Helpers for the wallet end-to-end test and the cold-start benchmark: decoding a screenshot
 * with a real QR decoder (jsQR, in Node), reading the wallet's IndexedDB records raw, and
 * changing the e2e server's D1 directly (an officer's level-2 approval and attachments).
 */
import jsQR from 'jsqr';
import type { Page } from 'playwright-core';
import { d1Json, run, shardMap } from '../../../edge/cli/lib.mjs';

/**
 * Decodes the QR code in a PNG screenshot with jsQR running in Node. The PNG is turned into
 * RGBA pixels by the browser's image decoder (no PNG library needed); the QR decoding is jsQR's.
 */
export async function decodeQrScreenshot(page: Page, png: Buffer): Promise<string | null> {
  const { width, height, rgba } = await page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(bitmap, 0, 0);
    const data = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
    let s = '';
    for (let i = 0; i < data.length; i += 0x8000) s += String.fromCharCode(...data.subarray(i, i + 0x8000));
    return { width: bitmap.width, height: bitmap.height, rgba: btoa(s) };
  }, png.toString('base64'));
  const pixels = new Uint8ClampedArray(Buffer.from(rgba, 'base64'));
  return jsQR(pixels, width, height, { inversionAttempts: 'dontInvert' })?.data ?? null;
}

/** Runs SQL against the e2e server's local D1 (the same files wrangler dev serves): the main database, or a shard's binding. */
export async function d1(statePath: string, sql: string, database = 'DB'): Promise<void> {
  await run('wrangler', ['d1', 'execute', database, '--local', '--persist-to', statePath, '--command', sql], { quiet: true });
}

/** The binding of the shard that holds a citizen's account (edge/store/shards.ts). */
async function shardOfCitizen(idNumber: string): Promise<string> {
  return (await shardMap()).shardOf(idNumber);
}

/** What an officer does at the police station: level 2, then documents attached after checking the originals. */
export async function approveLevel2(statePath: string, idNumber: string, attach: readonly string[]): Promise<void> {
  const now = Date.now();
  const inserts = attach
    .map((docType) => `INSERT OR IGNORE INTO attachments (account_id, doc_type, attached_by, attached_at) SELECT id, '${docType}', 'officer:e2e', ${now} FROM accounts WHERE id_number = '${idNumber}';`)
    .join(' ');
  await d1(statePath, `UPDATE accounts SET level = 2 WHERE id_number = '${idNumber}'; ${inserts}`, await shardOfCitizen(idNumber));
}

/**
 * Revokes an account's current document of one type in the status list (as a re-issue or a
 * revocation would): the row on the account's shard, then its part's version in the main
 * database, as edge/domain/status-list.ts publishes a change.
 */
export async function revokeDocument(statePath: string, idNumber: string, docType: string): Promise<void> {
  const shard = await shardOfCitizen(idNumber);
  const where = `doc_type = '${docType}' AND superseded_at IS NULL AND account_id = (SELECT id FROM accounts WHERE id_number = '${idNumber}')`;
  const parts = await d1Json<{ part: number }>(`SELECT DISTINCT status_index >> 20 AS part FROM documents WHERE ${where}`, statePath, false, shard);
  await d1(statePath, `UPDATE documents SET status = 1 WHERE ${where};`, shard);
  for (const { part } of parts) {
    await d1(statePath, `INSERT INTO status_parts (part, version) VALUES (${part}, 1) ON CONFLICT (part) DO UPDATE SET version = version + 1;`);
  }
}

/** The raw IndexedDB records: what is on the disk for the wallet. */
export interface RawWallet {
  deviceKeyId: string | null;
  walletKey: { failedAttempts: number; iterations: number; hasPasskeyBox: boolean; deviceSecretExtractable: boolean } | null;
  /** The sealed documents' ciphertext, base64. */
  ciphertext: string | null;
}

export function readRawWallet(page: Page): Promise<RawWallet> {
  return page.evaluate(
    () =>
      new Promise<RawWallet>((resolve, reject) => {
        const open = indexedDB.open('vneid');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(['device-key', 'wallet-key', 'wallet-documents'], 'readonly');
          const device = tx.objectStore('device-key').get('current');
          const key = tx.objectStore('wallet-key').get('current');
          const docs = tx.objectStore('wallet-documents').get('current');
          tx.oncomplete = () => {
            db.close();
            const k = key.result as
              | { failedAttempts: number; passcode: { iterations: number }; passkey: unknown; deviceSecret: CryptoKey }
              | undefined;
            const sealed = (docs.result as { sealed: { ciphertext: Uint8Array } } | undefined)?.sealed.ciphertext;
            let b64: string | null = null;
            if (sealed) {
              let s = '';
              for (let i = 0; i < sealed.length; i += 0x8000) s += String.fromCharCode(...sealed.subarray(i, i + 0x8000));
              b64 = btoa(s);
            }
            resolve({
              deviceKeyId: (device.result as { keyId?: string } | undefined)?.keyId ?? null,
              walletKey: k
                ? { failedAttempts: k.failedAttempts, iterations: k.passcode.iterations, hasPasskeyBox: k.passkey !== null, deviceSecretExtractable: k.deviceSecret.extractable }
                : null,
              ciphertext: b64,
            });
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
  );
}
