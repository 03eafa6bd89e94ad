export const ROOT: string;
export const OFFLINE_ENV: Record<string, string>;
export function run(cmd: string, args: string[], opts?: { quiet?: boolean; env?: Record<string, string> }): Promise<string>;
export function ensureDevVars(): Promise<void>;
export function newIssuerKey(notBefore?: number): Promise<{ jwk: JsonWebKey; notBefore: number }>;
export function newOidcSigningKey(kid?: string): Promise<JsonWebKey & { kid: string }>;
export function devSecrets(): Promise<Record<'SESSION_SECRET' | 'ISSUER_KEYS' | 'OIDC_SIGNING_KEYS' | 'OIDC_PAIRWISE_SECRET' | 'SHARD_KEY_SECRET' | 'AGENCY_SECRETS', string>>;
export function buildWeb(): Promise<void>;
export function migrate(persistTo?: string, options?: { remote?: boolean }): Promise<void>;
export function shardMap(): Promise<{
  map: import('../store/shards').ShardMap;
  partitionByShard: typeof import('../store/shards').partitionByShard;
  shardOf: (idNumber: string) => string;
}>;
export function d1Json<T = Record<string, unknown>>(sql: string, persistTo?: string, remote?: boolean, database?: string): Promise<T[]>;
export function seed(opts?: { count?: number; persistTo?: string; force?: boolean }): Promise<{ seeded: number; total: number }>;
export function startWrangler(opts?: {
  port?: number;
  persistTo?: string;
  vars?: Record<string, string>;
  quiet?: boolean;
}): Promise<{ url: string; stop: () => Promise<void>; child: import('node:child_process').ChildProcess }>;
export function seedDemoPortal(opts: { origin: string; sessionSecret: string; persistTo?: string }): Promise<{ registered: boolean }>;
export function readDevVar(name: string): string | undefined;
export function createOfficerBootstrapCode(opts?: { persistTo?: string; remote?: boolean; hours?: number }): Promise<{ code: string; expiresAt: number } | null>;
