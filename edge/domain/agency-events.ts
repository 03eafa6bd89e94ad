/**
 * The agency webhook (utility 5): justice, police residence and social-insurance systems
 * post the status of a citizen's linked administrative procedure; the citizen is notified.
 *
 * Each agency has its own secret. A request carries the agency id, a timestamp and
 * base64url(HMAC-SHA256(secret, timestamp + "." + body)). It is refused when the agency is
 * unknown, the signature is wrong, or the timestamp is outside the replay window; a repeat
 * of an event inside the window is accepted and ignored (the event id is remembered).
 * An agency may only report the procedures it runs.
 */
import * as v from 'valibot';
import { fromBase64Url, utf8 } from '../../shared/bytes';
import { AGENCY_REPLAY_WINDOW_S, AgencyEvent, type AgencyEventResponse, type Procedure } from '../../shared/services';
import { readAccountByIdNumber } from '../store/accounts';
import { insertAgencyEventOnce } from '../store/agency-events';
import { AppError } from './errors';
import { notify } from './notifications';
import { enforceRateLimit } from './rate-limit';
import type { ServicesDeps } from './services-deps';

export const AGENCY_LIMIT = { limit: 600, windowMs: 60_000 };

const PROCEDURE_NAMES: Record<Procedure, string> = {
  birth_registration: 'Đăng ký khai sinh',
  permanent_residence: 'Đăng ký thường trú',
  child_health_insurance: 'Cấp thẻ BHYT cho trẻ em dưới 6 tuổi',
  death_registration: 'Đăng ký khai tử',
  residence_removal: 'Xóa đăng ký thường trú',
  funeral_allowance: 'Hưởng trợ cấp mai táng, hỗ trợ chi phí mai táng',
};

const STATUS_NAMES: Record<v.InferOutput<typeof AgencyEvent>['status'], string> = {
  received: 'đã được tiếp nhận',
  processing: 'đang được giải quyết',
  completed: 'đã hoàn thành',
  rejected: 'không được giải quyết',
};

/** Same answer for every authentication failure: it tells an attacker nothing about which part was wrong. */
const refused = () => new AppError('unauthenticated', 'The request is not signed by a known agency.');

/** Checks the agency's signature over the raw body, in constant time (WebCrypto's HMAC verify). */
export async function verifyAgencySignature(
  deps: Pick<ServicesDeps, 'services' | 'now'>,
  headers: { agency: string | undefined; timestamp: string | undefined; signature: string | undefined },
  rawBody: string,
): Promise<{ agencyId: string; procedures: ReadonlySet<Procedure> }> {
  const agency = headers.agency ? deps.services.agencies.get(headers.agency) : undefined;
  if (!agency || !headers.timestamp || !headers.signature || !/^\d{1,12}$/.test(headers.timestamp)) throw refused();
  const ts = Number(headers.timestamp);
  if (Math.abs(deps.now / 1000 - ts) > AGENCY_REPLAY_WINDOW_S) throw refused();
  const signature = fromBase64Url(headers.signature);
  if (!signature || signature.length !== 32) throw refused();
  const key = await crypto.subtle.importKey('raw', utf8(agency.secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  if (!(await crypto.subtle.verify('HMAC', key, signature, utf8(`${headers.timestamp}.${rawBody}`)))) throw refused();
  return { agencyId: agency.id, procedures: agency.procedures };
}

/** Receives one signed event: authenticates, validates, records once, notifies the citizen. */
export async function receiveAgencyEvent(
  deps: ServicesDeps,
  headers: { agency: string | undefined; timestamp: string | undefined; signature: string | undefined },
  rawBody: string,
): Promise<AgencyEventResponse> {
  const { agencyId, procedures } = await verifyAgencySignature(deps, headers, rawBody);
  await enforceRateLimit(deps.db, `agency:${agencyId}`, AGENCY_LIMIT, deps.now);
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    throw new AppError('bad_request', 'The request body is not valid JSON.');
  }
  const parsed = v.safeParse(AgencyEvent, json);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    throw new AppError('validation_failed', `Invalid field: ${issue ? (v.getDotPath(issue) ?? 'body') : 'body'}.`);
  }
  const event = parsed.output;
  if (!procedures.has(event.procedure)) throw new AppError('forbidden', 'This agency does not run that procedure.');

  // Routed by the ID number, to the citizen's shard; the event's deduplication is global.
  const db = deps.shards.dbFor(event.idNumber);
  const account = await readAccountByIdNumber(db, event.idNumber);
  const fresh = await insertAgencyEventOnce(deps.db, {
    agency: agencyId,
    eventId: event.eventId,
    procedure: event.procedure,
    status: event.status,
    accountId: account?.id ?? null,
    receivedAt: deps.now,
  });
  if (!fresh || !account) return { accepted: true, delivered: false };
  await notify(deps, db, {
    accountId: account.id,
    kind: 'procedure',
    dedupeKey: `procedure:${agencyId}:${event.eventId}`,
    title: PROCEDURE_NAMES[event.procedure],
    body: `Hồ sơ ${event.reference} ${STATUS_NAMES[event.status]}.${event.note ? ` ${event.note}` : ''}`,
    link: '/notifications',
  });
  return { accepted: true, delivered: true };
}
