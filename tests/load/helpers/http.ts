/**
 * A small HTTP/1.1 client for load on loopback: node:http with a keep-alive agent (one
 * socket per concurrent caller, reused), no cookie jar, no redirects. Cheaper per request
 * than fetch, so the generator is not what limits a measurement.
 */
import { Agent, request as httpRequest } from 'node:http';

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** Wall time from sending to the last byte, ms. */
  ms: number;
}

export interface HttpRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Give up after this long (ms); the promise rejects with a timeout error. */
  timeoutMs?: number;
}

export class HttpClient {
  readonly agent: Agent;
  readonly host: string;
  readonly port: number;

  constructor(
    readonly baseUrl: string,
    sockets = 64,
    /** No request waits longer than this (ms) unless it says otherwise: a lost answer fails a test, it does not hang it. */
    readonly defaultTimeoutMs = 30_000,
  ) {
    const url = new URL(baseUrl);
    this.host = url.hostname === 'localhost' ? '127.0.0.1' : url.hostname;
    this.port = Number(url.port);
    this.agent = new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  }

  request(path: string, init: HttpRequest = {}): Promise<HttpResponse> {
    const started = performance.now();
    const body = init.body === undefined ? undefined : typeof init.body === 'string' ? Buffer.from(init.body) : Buffer.from(init.body);
    const headers: Record<string, string | number> = { host: `localhost:${this.port}`, ...init.headers };
    if (body) headers['content-length'] = body.length;
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: this.host, port: this.port, path, method: init.method ?? (body ? 'POST' : 'GET'), headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }),
        );
        res.on('error', reject);
      });
      req.on('error', reject);
      const timeoutMs = init.timeoutMs ?? this.defaultTimeoutMs;
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** The session cookie from a response's Set-Cookie, as "name=value", or null. */
export function sessionCookieOf(res: HttpResponse, name = '__Host-vneid_session'): string | null {
  const set = res.headers['set-cookie'];
  for (const line of Array.isArray(set) ? set : set ? [set] : []) {
    const m = line.match(new RegExp(`^(${name}=[^;]+)`));
    if (m) return m[1]!;
  }
  return null;
}
