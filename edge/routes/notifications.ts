/** The citizen's notification inbox and Web Push subscriptions. */
import * as v from 'valibot';
import { MarkReadRequest, PushSubscriptionRequest, PushUnsubscribeRequest, type NotificationsResponse, type PushKeyResponse } from '../../shared/services';
import { listInbox, markNotificationsRead, subscribePush, unsubscribePush, vapidKeys } from '../domain/notifications';
import { createRouter } from '../http/app';
import { servicesDepsFor } from '../http/services-deps';
import { requireSession } from '../http/session';
import { readJson, readQuery } from '../http/validate';

export const notifications = createRouter()
  .use('*', requireSession)
  .get('/', async (c) => {
    const { account } = c.get('session')!;
    const { before } = readQuery(c, v.object({ before: v.optional(v.pipe(v.string(), v.regex(/^\d{1,15}$/), v.transform(Number))) }));
    const result: NotificationsResponse = await listInbox(servicesDepsFor(c), account, before);
    return c.json(result);
  })
  .post('/read', async (c) => {
    const { account } = c.get('session')!;
    const input = await readJson(c, MarkReadRequest);
    await markNotificationsRead(servicesDepsFor(c), account, 'all' in input ? 'all' : input.ids);
    return c.body(null, 204);
  })
  .get('/push-key', async (c) => {
    const result: PushKeyResponse = { publicKey: (await vapidKeys(servicesDepsFor(c))).publicKey };
    return c.json(result);
  })
  .post('/subscriptions', async (c) => {
    const { account } = c.get('session')!;
    const input = await readJson(c, PushSubscriptionRequest);
    await subscribePush(servicesDepsFor(c), account, input);
    return c.body(null, 204);
  })
  .post('/subscriptions/delete', async (c) => {
    const { account } = c.get('session')!;
    const { endpoint } = await readJson(c, PushUnsubscribeRequest);
    await unsubscribePush(servicesDepsFor(c), account, endpoint);
    return c.body(null, 204);
  });
