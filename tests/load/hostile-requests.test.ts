/**
 * 10,000 generated hostile or malformed requests (fast-check) against `wrangler dev`: every
 * route the worker serves (read from the app itself), with random methods, path parameters
 * and query strings, bodies of the wrong shape, type or size, JSON that is not JSON, deep
 * nesting, wrong content types, unicode, missing, forged or real session cookies (a citizen's
 * and an officer's, so the checks behind the session run too), bad Origin headers.
 * Not one may be a 5xx; every refusal is a 4xx with `{ error: { code } }` and a code from
 * shared/errors.ts (OAuth endpoints under /oidc answer RFC 6749 `{ error }`, or their error
 * page; the demo portal answers pages).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { app } from '../../edge/index';
import { ERROR_CODES } from '../../shared/errors';
import { createOfficerBootstrapCode } from '../../edge/cli/lib.mjs';
import { closedLoop } from './helpers/closed-loop';
import { HttpClient, sessionCookieOf, type HttpResponse } from './helpers/http';
import { NodeAuthenticator } from './helpers/node-authenticator';
import { clientIp, residenceNotice, type LoadPhone } from './helpers/phone';
import { CITIZEN_RANGES, recordFigures, registerPhones, startLoadServer } from './helpers/suite';
import type { Server } from './helpers/server';

const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const CONCURRENCY = 32;

/** Where the worker answers first (wrangler.toml `run_worker_first`); other paths are the PWA's static files. */
const WORKER_PATHS = ['/api/', '/.well-known/', '/oidc/', '/portal/', '/hooks/'];

/** The worker's own routes, concrete ones only (no catch-alls), from the Hono app. */
const ROUTES = [
  ...new Map(
    app.routes.filter((r) => r.method !== 'ALL' && !r.path.endsWith('*') && WORKER_PATHS.some((p) => r.path.startsWith(p))).map((r) => [`${r.method} ${r.path}`, r]),
  ).values(),
].map((r) => ({
  method: r.method,
  path: r.path,
}));

let server: Server;
let http: HttpClient;
let citizenCookie = '';
let officerCookie = '';
let phone: LoadPhone;

async function registerSupervisor(): Promise<string> {
  const bootstrap = await createOfficerBootstrapCode({ persistTo: inject('loadState') });
  if (!bootstrap) return '';
  const h = { origin: server.url, 'content-type': 'application/json', 'cf-connecting-ip': '10.250.0.1' };
  const start = await http.request('/api/officer/register/options', {
    method: 'POST',
    headers: h,
    body: JSON.stringify({ code: bootstrap.code, name: 'Trần Văn Kiểm', unitCode: 'CA-001' }),
  });
  if (start.status !== 200) throw new Error(`officer options ${start.status} ${start.text}`);
  const { options } = JSON.parse(start.text) as { options: { challenge: string; user: { id: string } } };
  const created = new NodeAuthenticator('localhost', server.url).create(options);
  const finish = await http.request('/api/officer/register/finish', { method: 'POST', headers: h, body: JSON.stringify({ code: bootstrap.code, credential: created.response }) });
  if (finish.status !== 201) throw new Error(`officer finish ${finish.status} ${finish.text}`);
  return sessionCookieOf(finish, '__Host-vneid_officer') ?? '';
}

beforeAll(async () => {
  server = await startLoadServer();
  http = new HttpClient(server.url, CONCURRENCY);
  phone = (await registerPhones(http, server.url, 1, CITIZEN_RANGES.fuzz))[0]!;
  citizenCookie = phone.cookie;
  officerCookie = await registerSupervisor();
});

afterAll(async () => {
  http?.close();
  await server?.stop();
});

// ---- the generator ------------------------------------------------------------------------

/** Well-formed bodies for the routes that take one, to mutate. */
function sampleBody(path: string): Record<string, unknown> {
  if (path.startsWith('/api/enrol/start')) return { idNumber: '001090012345', fullName: 'Nguyễn Văn An', birthDate: '1990-05-12', phone: '0912345678' };
  if (path.startsWith('/api/enrol/verify') || path.startsWith('/api/device-change/verify')) return { enrolmentId: 'AAAAAAAAAAAAAAAAAAAAAA', code: '123456' };
  if (path.startsWith('/api/auth/verify') || path.includes('/auth/verify'))
    return { credential: { id: 'abc', rawId: 'abc', type: 'public-key', response: { clientDataJSON: 'e30', authenticatorData: 'AAAA', signature: 'AAAA', userHandle: 'AAAA' }, clientExtensionResults: {} }, deviceKey: { keyId: 'A'.repeat(43), signature: 'A'.repeat(86) } };
  if (path.startsWith('/api/wallet/sync')) return { challenge: 'A'.repeat(43), signature: 'A'.repeat(86) };
  if (path.startsWith('/api/services/residence')) return residenceNotice(1) as unknown as Record<string, unknown>;
  if (path.startsWith('/api/lock/start') || path.startsWith('/api/device-change/start') || path.startsWith('/api/enrol/approved')) return { idNumber: '001090012345', phone: '0912345678' };
  if (path.includes('/confirm')) return { requestId: 'AAAAAAAAAAAAAAAAAAAAAA', code: '123456' };
  if (path.startsWith('/api/officer/citizens')) return { cardChecked: true, phone: '0912345678', docType: 'driving_licence', reason: 'Kiểm tra' };
  if (path.startsWith('/api/officer/officers')) return { name: 'Lê Văn Cường', role: 'officer', unitCode: '00070' };
  if (path.startsWith('/api/notifications/subscriptions')) return { endpoint: 'https://push.example/abc', keys: { p256dh: 'A'.repeat(87), auth: 'A'.repeat(22) } };
  if (path.startsWith('/api/sso/requests')) return { approve: true, scopes: ['openid', 'profile'] };
  if (path.startsWith('/hooks/agency')) return { eventId: 'e1', agency: 'tu-phap', procedure: 'birth_registration', idNumber: '001090012345', status: 'done' };
  if (path.startsWith('/api/officer/services')) return { note: 'Đã nhận', reply: 'Cảm ơn', title: 'Cảnh báo', body: 'Nội dung', kind: 'warning', category: 'fraud' };
  return { a: 1 };
}

const weird = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('', ' ', '..', '../../etc/passwd', '%00', '\u0000', '🙂', 'ñ', '<script>alert(1)</script>', "' OR 1=1 --", '001090012345', '{"$ne":null}', 'x'.repeat(5000)),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
);

function mutate(body: Record<string, unknown>, how: number, key: string, value: unknown): unknown {
  const keys = Object.keys(body);
  const k = keys.length ? keys[Math.abs(how) % keys.length]! : key;
  switch (Math.abs(how) % 5) {
    case 0: {
      const { [k]: _, ...rest } = body;
      return rest;
    }
    case 1:
      return { ...body, [k]: value };
    case 2:
      return { ...body, [how % 7 === 0 ? ['__proto__', 'constructor', 'valueOf', 'toString'][Math.abs(how) % 4]! : key]: value };
    case 3:
      return [body];
    default:
      return { ...body, [k]: { nested: value } };
  }
}

const bodyArb = (path: string) =>
  fc.oneof(
    { weight: 2, arbitrary: fc.constant(undefined) },
    { weight: 6, arbitrary: fc.tuple(fc.integer(), fc.string({ maxLength: 12 }), weird).map(([how, key, value]) => JSON.stringify(mutate(sampleBody(path), how, key, value))) },
    { weight: 2, arbitrary: fc.constant(JSON.stringify(sampleBody(path))) },
    { weight: 2, arbitrary: fc.json({ maxDepth: 4 }) },
    { weight: 2, arbitrary: fc.anything({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'undefined') },
    {
      weight: 2,
      arbitrary: fc.constantFrom('{', '{"a":', '[1,2', 'nul', 'tru', '"unterminated', '{"a":1}}', '\u0000\u0001', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}', '\uFEFF{}', '{"a":1,"a":2}'),
    },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 20_000 }).map((n) => '['.repeat(n) + ']'.repeat(n)) },
    { weight: 1, arbitrary: fc.integer({ min: 60_000, max: 200_000 }).map((n) => JSON.stringify({ big: 'x'.repeat(n) })) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 300 }).map((s) => JSON.stringify({ ...sampleBody(path), fullName: s, address: s, description: s })) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b).toString('latin1')) },
    { weight: 1, arbitrary: fc.constant('------x\r\nContent-Disposition: form-data; name="report"\r\n\r\n{"category":"theft"}\r\n------x\r\nContent-Disposition: form-data; name="photo"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\nnot a jpeg\r\n------x--\r\n') },
  );

const headerArb = fc.record({
  origin: fc.constantFrom<'valid' | 'evil' | 'null' | 'none' | 'slash'>('valid', 'valid', 'valid', 'evil', 'null', 'none', 'slash'),
  site: fc.constantFrom(undefined, 'same-origin', 'cross-site', 'none'),
  contentType: fc.constantFrom(
    'application/json',
    'application/json',
    'application/json; charset=utf-8',
    'APPLICATION/JSON',
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=----x',
    'multipart/form-data',
    'application/jsonx',
    undefined,
  ),
  cookie: fc.constantFrom<'none' | 'citizen' | 'officer' | 'forged' | 'garbage' | 'both'>('none', 'citizen', 'citizen', 'officer', 'officer', 'forged', 'garbage', 'both'),
  idempotency: fc.oneof(fc.constant(undefined), fc.uuid(), fc.string({ maxLength: 60 }).map((s) => s.replace(/[^\x20-\x7e]/g, ''))),
  authorization: fc.oneof(fc.constant(undefined), fc.string({ maxLength: 80 }).map((s) => `Basic ${Buffer.from(s).toString('base64')}`), fc.constant('Bearer not-a-token')),
});

const queryArb = fc.oneof(
  { weight: 3, arbitrary: fc.constant('') },
  { weight: 2, arbitrary: fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), fc.oneof(fc.string({ maxLength: 30 }), fc.string({ unit: 'grapheme', maxLength: 20 })), { maxKeys: 5 }).map((d) => `?${new URLSearchParams(d)}`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '?phone=0912345678',
      '?phone=%ZZ',
      '?client_id=demo-portal&redirect_uri=https://evil.example&response_type=code&scope=openid&code_challenge=x&code_challenge_method=plain&state=s',
      '?response_type=token',
      '?before=-1',
      '?before=abc',
      '?status=all&commune=00070',
      '?to=a@b.c',
      '?a=1&a=2&a=3',
      // Names that are properties of every plain object.
      '?valueOf=1',
      '?__proto__=x&constructor=y',
      '?toString=1&hasOwnProperty=2&client_id=demo-portal',
      '?response_type=code&__proto__[x]=1',
    ),
  },
);

const requestArb = fc
  .tuple(fc.constantFrom(...ROUTES), fc.array(weird, { minLength: 4, maxLength: 4 }), fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'), fc.boolean(), queryArb, headerArb, fc.nat())
  .chain(([route, params, otherMethod, sameMethod, query, headers, ip]) =>
    bodyArb(route.path).map((body) => {
      let i = 0;
      const path = route.path.replace(/:[A-Za-z]+/g, () => {
        const v = params[i++];
        return encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v) ?? '');
      });
      return { method: sameMethod ? route.method : otherMethod, route: route.path, path: `${path}${query}`, body, headers, ip };
    }),
  );

type HostileRequest = typeof requestArb extends fc.Arbitrary<infer T> ? T : never;

function toHeaders(r: HostileRequest): Record<string, string> {
  const h: Record<string, string> = { 'cf-connecting-ip': clientIp(1_000_000 + (r.ip % 200_000)) };
  const o = r.headers.origin;
  if (o !== 'none') h.origin = o === 'valid' ? server.url : o === 'evil' ? 'https://evil.example' : o === 'slash' ? `${server.url}/` : 'null';
  if (r.headers.site) h['sec-fetch-site'] = r.headers.site;
  if (r.headers.contentType && r.body !== undefined) h['content-type'] = r.headers.contentType;
  const forged = `__Host-vneid_session=${Buffer.from(String(r.ip)).toString('base64url').padEnd(43, 'A')}`;
  const cookies = {
    none: '',
    citizen: citizenCookie,
    officer: officerCookie,
    both: `${citizenCookie}; ${officerCookie}`,
    forged: `${forged}; __Host-vneid_officer=${'B'.repeat(43)}`,
    garbage: '__Host-vneid_session=%%%; __Host-vneid_officer=";;;',
  }[r.headers.cookie];
  if (cookies) h.cookie = cookies;
  if (r.headers.idempotency !== undefined) h['idempotency-key'] = r.headers.idempotency;
  if (r.headers.authorization) h.authorization = r.headers.authorization;
  return h;
}

/** What is wrong with a response, or null when it is a proper answer. */
function judge(r: HostileRequest, res: HttpResponse): string | null {
  if (res.status >= 500) return `5xx: ${res.status}`;
  if (res.status < 400 || r.method === 'HEAD') return null;
  const type = String(res.headers['content-type'] ?? '');
  if (r.path.startsWith('/oidc') || r.path.startsWith('/portal')) {
    if (type.startsWith('text/html')) return null;
    try {
      const body = JSON.parse(res.text) as { error?: unknown };
      return typeof body.error === 'string' || (typeof body.error === 'object' && ERROR_CODES.includes((body.error as { code: never }).code)) ? null : 'OAuth refusal without an error';
    } catch {
      return 'OAuth refusal that is not JSON';
    }
  }
  try {
    const body = JSON.parse(res.text) as { error?: { code?: unknown } };
    if (!body.error || !ERROR_CODES.includes(body.error.code as never)) return `refusal without a known code: ${res.text.slice(0, 120)}`;
    return null;
  } catch {
    return `refusal that is not JSON (${type}): ${res.text.slice(0, 120)}`;
  }
}

describe('hostile and malformed requests', () => {
  it(`${REQUESTS.toLocaleString('en-US')} generated requests over ${ROUTES.length} routes: 0 × 5xx, every refusal a 4xx with a code`, async () => {
    expect(citizenCookie).toMatch(/^__Host-vneid_session=/);
    expect(officerCookie).toMatch(/^__Host-vneid_officer=/);
    const requests = fc.sample(requestArb, { numRuns: REQUESTS, seed: SEED });
    const statuses: Record<number, number> = {};
    const codes: Record<string, number> = {};
    const problems: Array<{ problem: string; method: string; path: string; body?: string; headers: Record<string, string> }> = [];
    let transportErrors = 0;
    const f = await closedLoop({
      concurrency: CONCURRENCY,
      operations: requests.length,
      op: async (_, n) => {
        const r = requests[n]!;
        const headers = toHeaders(r);
        const withBody = r.body !== undefined && r.method !== 'GET' && r.method !== 'HEAD';
        let res: HttpResponse;
        try {
          res = await http.request(r.path, { method: r.method, headers, body: withBody ? r.body : undefined, timeoutMs: 30_000 });
        } catch (err) {
          transportErrors++;
          problems.push({ problem: `transport: ${(err as Error).message}`, method: r.method, path: r.path.slice(0, 200), body: withBody ? r.body!.slice(0, 200) : undefined, headers });
          return { status: 'transport', ok: false, requests: 1 };
        }
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        try {
          const code = (JSON.parse(res.text) as { error?: { code?: string } | string }).error;
          const c = typeof code === 'string' ? `oauth:${code}` : code?.code;
          if (c) codes[c] = (codes[c] ?? 0) + 1;
        } catch {
          // pages and empty bodies
        }
        const problem = judge(r, res);
        if (problem) problems.push({ problem, method: r.method, path: r.path.slice(0, 200), body: withBody ? r.body!.slice(0, 200) : undefined, headers });
        return { status: String(res.status), ok: !problem, requests: 1 };
      },
    });
    const fiveXx = Object.entries(statuses).filter(([s]) => Number(s) >= 500).reduce((s, [, c]) => s + c, 0);
    const refusals = Object.entries(statuses).filter(([s]) => Number(s) >= 400 && Number(s) < 500).reduce((s, [, c]) => s + c, 0);
    recordFigures('hostile-requests', {
      seed: SEED,
      requests: f.operations,
      routes: ROUTES.length,
      seconds: Number(f.seconds.toFixed(1)),
      statuses,
      refusals,
      fiveXx,
      transportErrors,
      problems: problems.length,
      codes,
    });
    if (problems.length) console.error(`FUZZ_SEED=${SEED}: first problems`, JSON.stringify([...problems.filter((p) => p.problem !== '5xx: 503'), ...problems].slice(0, 10), null, 2));
    expect(fiveXx).toBe(0);
    expect(problems).toEqual([]);
  });
});
