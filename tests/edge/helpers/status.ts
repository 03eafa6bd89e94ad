/**
 * What a verifier downloads, read as one does: the trust list, then the status list's manifest
 * and every part it lists, each verified at `now` (FORMAT.md §9, §10).
 */
import { SELF } from 'cloudflare:test';
import { API } from '../../../shared/paths';
import {
  getStatus,
  parseStatusListManifest,
  parseTrustList,
  statusListsOf,
  statusPartOf,
  verifyStatusList,
  type StatusList,
  type StatusListManifest,
  type StatusLists,
  type TrustList,
} from '../../../shared/credential';
import { ORIGIN } from './phone';

type Fetch = (url: string) => Promise<Response>;
const viaSelf: Fetch = (url) => SELF.fetch(url.startsWith('/') ? `${ORIGIN}${url}` : url);

export async function fetchTrustList(fetchFn: Fetch = viaSelf): Promise<TrustList> {
  const trust = await parseTrustList(await (await fetchFn(API.trustList)).json());
  if (!trust) throw new Error('trust list: does not parse');
  return trust;
}

/** The manifest and every part it lists, verified against `trust` at `now`; throws when one does not verify. */
export async function fetchStatusLists(
  trust: TrustList,
  { now = Date.now(), fetchFn = viaSelf }: { now?: number; fetchFn?: Fetch } = {},
): Promise<{ manifest: StatusListManifest; parts: StatusList[]; lists: StatusLists; responses: Response[] }> {
  const manifest = parseStatusListManifest(await (await fetchFn(API.statusLists)).json());
  if (!manifest) throw new Error('status list manifest: does not parse');
  const responses = await Promise.all(manifest.parts.map((p) => fetchFn(p.url)));
  const parts = await Promise.all(
    responses.map(async (res, i) => {
      const verified = await verifyStatusList(new Uint8Array(await res.arrayBuffer()), trust, now);
      if (!verified.ok) throw new Error(`status list part ${manifest.parts[i]!.part}: ${verified.error}`);
      return verified.list;
    }),
  );
  return { manifest, parts, lists: statusListsOf(parts), responses };
}

/** The trust list and the status lists, as a verifier holds them at `now`. */
export async function verifierLists(now = Date.now()): Promise<{ trust: TrustList; status: StatusLists }> {
  const trust = await fetchTrustList();
  return { trust, status: (await fetchStatusLists(trust, { now })).lists };
}

/** Entry `index` as a verifier reads it: in part ⌊index / 2^20⌋ of the issuer's lists; null without that part. */
export function statusAt(lists: StatusLists, index: number, issuer = 'VN'): number | null {
  const { part, offset } = statusPartOf(index);
  const list = lists.get(issuer)?.get(part);
  return list ? getStatus(list, offset) : null;
}
