/**
 * Report photos under attack in workerd + D1 + R2: two sends with one Idempotency-Key but
 * different photos, racing. The stored report must keep its own photos (before, both wrote
 * to R2 under account + key + index, so the losing request replaced the stored report's
 * pictures), and the losing request's objects must not stay behind. The race is made exact:
 * the second request is held at its first R2 write while the first runs to the end.
 */
import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { app } from '../../edge/index';
import { ORIGIN } from './helpers/phone';
import { fakeJpeg, signedInPhone, submitReport, validReport } from './helpers/services';
import { shardDb } from './helpers/shards';

type Result = { status: number; body: { id?: string; photoCount?: number; error?: { code: string } } };

function reportForm(report: unknown, photos: Uint8Array<ArrayBuffer>[]): FormData {
  const form = new FormData();
  form.append('report', JSON.stringify(report));
  for (const [i, p] of photos.entries()) form.append('photo', new File([p], `photo-${i}.jpg`, { type: 'image/jpeg' }));
  return form;
}

/** A send through the worker with its own bindings (so one request's R2 can be held). */
async function send(cookie: string, key: string, report: unknown, photos: Uint8Array<ArrayBuffer>[], bindings: typeof env = env): Promise<Result> {
  const res = await app.request(
    `${ORIGIN}/api/services/reports`,
    { method: 'POST', headers: { origin: ORIGIN, cookie, 'Idempotency-Key': key, 'cf-connecting-ip': '198.51.100.77' }, body: reportForm(report, photos) },
    bindings,
  );
  return { status: res.status, body: (await res.json()) as Result['body'] };
}

/** The R2 bucket, with every put waiting for `gate` first (and `reached` called when the first one does). */
function heldBucket(gate: Promise<void>, reached: () => void): R2Bucket {
  return new Proxy(env.PHOTOS!, {
    get(target, prop) {
      if (prop === 'put') {
        return async (...args: Parameters<R2Bucket['put']>) => {
          reached();
          await gate;
          return target.put(...args);
        };
      }
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

async function photoOf(cookie: string, id: string, n: number): Promise<Uint8Array> {
  const res = await SELF.fetch(`${ORIGIN}/api/services/reports/${id}/photos/${n}`, { headers: { cookie } });
  expect(res.status).toBe(200);
  return new Uint8Array(await res.arrayBuffer());
}

describe('report photos: one Idempotency-Key, two contents', () => {
  it('attack: a second send with other photos, racing the first, does not replace the stored report’s photos (exact interleaving)', async () => {
    const { phone, me } = await signedInPhone();
    const key = crypto.randomUUID();
    const mine = [fakeJpeg(20_000, 11), fakeJpeg(21_000, 12)];
    const theirs = [fakeJpeg(20_000, 21), fakeJpeg(21_000, 22)];

    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let reached!: () => void;
    const atPut = new Promise<void>((resolve) => (reached = resolve));
    // The second send has read "no report under this key" and is about to write its photos…
    const late = send(phone.cookie, key, validReport({ description: 'Nội dung khác hẳn, ảnh khác.' }), theirs, { ...env, PHOTOS: heldBucket(gate, reached) });
    await atPut;
    // …when the first runs to the end and stores its report.
    const first = await send(phone.cookie, key, validReport(), mine);
    release();
    const second = await late;

    expect(first.status).toBe(201);
    expect(first.body.photoCount).toBe(2);
    expect(second.status).toBe(409);
    expect(second.body.error?.code).toBe('idempotency_key_reused');
    const id = first.body.id!;
    expect(await photoOf(phone.cookie, id, 0)).toEqual(mine[0]);
    expect(await photoOf(phone.cookie, id, 1)).toEqual(mine[1]);
    // Only the stored report's objects remain: the loser deleted what it wrote.
    const listed = await env.PHOTOS!.list({ prefix: `reports/${me.accountId}/` });
    expect(listed.objects.map((o) => o.key).sort()).toEqual([`reports/${me.accountId}/${key}/${id}/0.jpg`, `reports/${me.accountId}/${key}/${id}/1.jpg`]);
    const { n } = (await (await shardDb(me.accountId)).prepare('SELECT count(*) AS n FROM reports WHERE account_id = ?').bind(me.accountId).first<{ n: number }>())!;
    expect(n).toBe(1);
  });

  it('attack: two different-content sends at once under one key store one report whose photos are its own', async () => {
    const { phone, me } = await signedInPhone();
    const key = crypto.randomUUID();
    const a = [fakeJpeg(30_000, 31)];
    const b = [fakeJpeg(30_000, 41)];
    const [ra, rb] = await Promise.all([
      submitReport(phone, key, validReport({ description: 'Lần gửi A: trộm xe trước chợ.' }), a.map((bytes) => ({ bytes }))),
      submitReport(phone, key, validReport({ description: 'Lần gửi B: đánh nhau ở ngõ.' }), b.map((bytes) => ({ bytes }))),
    ]);
    expect([ra.status, rb.status].sort()).toEqual([201, 409]);
    const [winner, photos] = ra.status === 201 ? [ra, a] : [rb, b];
    expect(await photoOf(phone.cookie, winner.body.id, 0)).toEqual(photos[0]);
    const listed = await env.PHOTOS!.list({ prefix: `reports/${me.accountId}/` });
    expect(listed.objects.map((o) => o.key)).toEqual([`reports/${me.accountId}/${key}/${winner.body.id}/0.jpg`]);
  });
});
