/**
 * A history screen's data: what the edge has (fresh, or the copy kept for offline) merged
 * with this phone's outbox. Pending and refused submissions come first; a sent one shows
 * until the edge's list has it, then the edge's record (with its later status) replaces it.
 */
import { useEffect, useState } from 'preact/hooks';
import type { ApiError } from '../api';
import { listOutbox, type OutboxItem, type OutboxKind } from '../outbox/db';
import { outboxVersion } from '../outbox/outbox';
import { cachedOnly, type Loaded } from './api';

export interface ServiceList<T> {
  /** Outbox items not (yet) in the edge's list. */
  local: OutboxItem[];
  remote: T[];
  /** When the shown copy was saved, if it is not fresh from the edge. */
  savedAt: number | null;
  error: ApiError | null;
  loading: boolean;
}

export function useServiceList<T extends { id: string; submissionKey: string }, R>(
  kind: OutboxKind,
  cacheKey: string,
  load: () => Promise<Loaded<R>>,
  pick: (r: R) => T[],
  online: boolean,
): ServiceList<T> {
  const [state, setState] = useState<ServiceList<T>>({ local: [], remote: [], savedAt: null, error: null, loading: true });
  const version = outboxVersion.value;

  useEffect(() => {
    let live = true;
    // An item the edge already has (by its key: it may have arrived even if the answer was
    // lost) shows once, as the edge's record; the outbox still sends it, and is answered with it.
    const merge = (items: OutboxItem[], remote: T[]) => {
      const known = new Set(remote.map((r) => r.submissionKey));
      return items.filter((i) => !known.has(i.key)).reverse();
    };
    void (async () => {
      const items = await listOutbox(kind).catch(() => [] as OutboxItem[]);
      // First the kept copy, at once; then the edge's answer when it comes.
      const kept = await cachedOnly<R>(cacheKey);
      if (live && kept) setState((s) => ({ ...s, local: merge(items, pick(kept.data)), remote: pick(kept.data), savedAt: kept.savedAt, loading: online }));
      else if (live) setState((s) => ({ ...s, local: merge(items, s.remote) }));
      if (!online) {
        if (live) setState((s) => ({ ...s, loading: false }));
        return;
      }
      const fresh = await load();
      const after = await listOutbox(kind).catch(() => items);
      if (!live) return;
      if ('error' in fresh) {
        setState((s) => ({ ...s, local: merge(after, s.remote), error: fresh.error, loading: false }));
      } else {
        const remote = pick(fresh.data);
        setState({ local: merge(after, remote), remote, savedAt: fresh.fresh ? null : fresh.savedAt, error: null, loading: false });
      }
    })();
    return () => {
      live = false;
    };
  }, [kind, cacheKey, version, online]);

  return state;
}
