export const ROOT: string;
export const OFFLINE_ENV: Record<string, string>;
export function run(cmd: string, args: string[], opts?: { quiet?: boolean; env?: Record<string, string> }): Promise<string>;
export function ensureDevVars(): Promise<void>;
export function newIssuerKey(notBefore?: number): Promise<{ jwk: JsonWebKey; notBefore: number }>;
export function devSecrets(): Promise<Record<'SESSION_SECRET' | 'ISSUER_KEYS', string>>;
export function buildWeb(): Promise<void>;
export function migrate(persistTo?: string): Promise<void>;
export function seed(opts?: { count?: number; persistTo?: string; force?: boolean }): Promise<{ seeded: number; total: number }>;
export function startWrangler(opts?: {
  port?: number;
  persistTo?: string;
  vars?: Record<string, string>;
  quiet?: boolean;
}): Promise<{ url: string; stop: () => Promise<void>; child: import('node:child_process').ChildProcess }>;
