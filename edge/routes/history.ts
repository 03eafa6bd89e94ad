/** The citizen's own security history. */
import type { HistoryResponse } from '../../shared/accounts';
import { citizenHistory } from '../domain/audit';
import { createRouter, depsFor } from '../http/app';
import { requireSession } from '../http/session';

export const history = createRouter()
  .use('*', requireSession)
  .get('/', async (c) => {
    const { account } = c.get('session')!;
    const result: HistoryResponse = { events: await citizenHistory(depsFor(c), account) };
    return c.json(result);
  });
