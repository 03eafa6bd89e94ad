/**
 * The host's residence notification under attack in workerd + D1. A host declares guests by
 * ID number; if the edge answered with the registry's name for each ID, or said when an ID
 * does not exist, any signed-in citizen could read the population registry through it. The
 * host types each guest's ID number and full name; the edge checks the pair and answers one
 * error for any mismatch, pointing at the row, never at the field, never with a name.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { vietnamDay } from '../../shared/services';
import { DEMO_CITIZENS } from '../../edge/registries/synthetic';
import { api, type ApiResult } from './helpers/phone';
import { signedInPhone, submitResidence } from './helpers/services';
import { shardDb } from './helpers/shards';

const HA = DEMO_CITIZENS.find((c) => c.idNumber === '031162005555')!; // Phạm Thu Hà
const KHANG = DEMO_CITIZENS.find((c) => c.idNumber === '048204000777')!; // Lê Minh Khang

function hostNotice(people: Array<{ idNumber: string; fullName: string }>) {
  const today = vietnamDay(Date.now());
  return { role: 'host', communeCode: '00070', address: 'Số 9 Phố Hàng Bạc', people, from: today, to: today, reason: 'Khách đến chơi' };
}

/** What a prober can compare between two answers (the request id differs by design). */
function answer(res: ApiResult) {
  return { status: res.status, code: res.body.error?.code, message: res.body.error?.message, field: res.body.error?.field };
}

describe('host residence notification: no registry look-up', () => {
  it('attack: probing whether an ID number exists — an unknown ID and a real ID with a wrong name get the same answer', async () => {
    const { phone } = await signedInPhone();
    const unknownId = await submitResidence(phone, crypto.randomUUID(), hostNotice([{ idNumber: '099999999999', fullName: 'Nguyễn Văn Bất Kỳ' }]));
    const wrongName = await submitResidence(phone, crypto.randomUUID(), hostNotice([{ idNumber: HA.idNumber, fullName: 'Nguyễn Văn Bất Kỳ' }]));
    const rightNameWrongId = await submitResidence(phone, crypto.randomUUID(), hostNotice([{ idNumber: '031162005556', fullName: HA.fullName }]));
    expect(answer(unknownId)).toEqual({ status: 400, code: 'guest_mismatch', message: 'The ID number and full name of the guest at people.0 do not match the national population registry.', field: 'people.0' });
    expect(answer(wrongName)).toEqual(answer(unknownId));
    expect(answer(rightNameWrongId)).toEqual(answer(unknownId));
    // The real holder's name appears nowhere in what came back.
    expect(JSON.stringify(wrongName.body)).not.toContain(HA.fullName);
  });

  it('attack: reading names through the answer — a declared notification carries only the names the host typed', async () => {
    const { phone } = await signedInPhone();
    const res = await submitResidence(phone, crypto.randomUUID(), hostNotice([{ idNumber: KHANG.idNumber, fullName: 'LÊ MINH KHANG' }]));
    expect(res.status).toBe(201);
    expect(JSON.stringify(res.body)).not.toContain(KHANG.fullName);
    expect((res.body as unknown as { people: unknown }).people).toEqual([{ idNumber: KHANG.idNumber, fullName: 'LÊ MINH KHANG' }]);
    const history = await api<{ notices: Array<{ id: string; people: Array<{ fullName: string }> }> }>('/api/services/residence', { cookie: phone.cookie });
    expect(history.body.notices.find((n) => n.id === res.body.id)?.people).toEqual([{ idNumber: KHANG.idNumber, fullName: 'LÊ MINH KHANG' }]);
  });

  it('the error points at the row at fault (the second guest here) and nothing is stored', async () => {
    const { phone, me } = await signedInPhone();
    const res = await submitResidence(phone, crypto.randomUUID(), hostNotice([{ idNumber: HA.idNumber, fullName: HA.fullName }, { idNumber: KHANG.idNumber, fullName: 'Lê Minh Khanh' }]));
    expect(answer(res)).toMatchObject({ status: 400, code: 'guest_mismatch', field: 'people.1' });
    const { n } = (await (await shardDb(me.accountId)).prepare('SELECT count(*) AS n FROM residence_notices WHERE account_id = ?').bind(me.accountId).first<{ n: number }>())!;
    expect(n).toBe(0);
  });

  it('attack: guessing many pairs — every try counts against the 20 notifications an hour, matched or not', async () => {
    const { phone } = await signedInPhone();
    for (let i = 0; i < 20; i++) {
      const res = await submitResidence(phone, crypto.randomUUID(), hostNotice([{ idNumber: `0311620${String(100000 + i).slice(1)}`, fullName: HA.fullName }]));
      expect(res.body.error?.code).toBe('guest_mismatch');
    }
    const next = await submitResidence(phone, crypto.randomUUID(), hostNotice([{ idNumber: HA.idNumber, fullName: HA.fullName }]));
    expect(next.status).toBe(429);
    expect(next.body.error?.code).toBe('rate_limited');
  });
});
