/** The wallet: issuance of the account's documents to its bound device. */
import { WalletSyncRequest, type WalletChallengeResponse, type WalletSyncResponse } from '../../shared/api';
import { createDeviceChallenge, verifyDeviceChallenge } from '../domain/devices';
import { syncDocuments } from '../domain/documents';
import { createRouter, depsFor } from '../http/app';
import { requireSession } from '../http/session';
import { readJson } from '../http/validate';

export const wallet = createRouter()
  .use('*', requireSession)
  .post('/challenge', async (c) => {
    const { account } = c.get('session')!;
    const result: WalletChallengeResponse = { challenge: await createDeviceChallenge(depsFor(c), 'issue', account.id) };
    return c.json(result);
  })
  .post('/sync', async (c) => {
    const { account, session } = c.get('session')!;
    const input = await readJson(c, WalletSyncRequest);
    const deps = depsFor(c);
    // Proof of possession: the credentials are bound to this key, so it must be here now.
    await verifyDeviceChallenge(deps, { ...input, keyId: session.deviceKeyId }, account, 'issue');
    const result: WalletSyncResponse = { documents: await syncDocuments(deps, account, session.deviceKeyId), syncedAt: deps.now };
    return c.json(result);
  });
