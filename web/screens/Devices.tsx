/** Settings → devices: bound devices with their passkeys (synced or this-device-only), open device changes, sign out everywhere. */
import { useEffect, useState } from 'preact/hooks';
import type { DeviceInfo, DeviceListResponse, PasskeyInfo } from '../../shared/accounts';
import { accountsApi } from '../accounts/api';
import '../accounts/accounts.css';
import type { ApiError } from '../api';
import { Screen } from '../components/Screen';
import { ErrorAlert, Loading } from '../components/Status';
import { errorText, t } from '../i18n';
import { formatWhen, ta } from '../i18n/accounts';
import { navigate } from '../router';
import { useApp } from '../state';

function passkeyKind(p: PasskeyInfo): string {
  if (!p.backupEligible) return ta('dev.deviceOnly');
  return p.backedUp ? ta('dev.synced') : ta('dev.syncedNotBacked');
}

function Device({ device }: { device: DeviceInfo }) {
  return (
    <li class={device.revokedAt ? 'device-revoked' : undefined} data-testid="device" data-current={device.current ? 'true' : 'false'} data-revoked={device.revokedAt ? 'true' : 'false'}>
      <p class="row-title">
        {device.label ?? ta('dev.unnamed')}
        {device.current ? <span class="tag">{ta('dev.thisDevice')}</span> : null}
      </p>
      <p class="hint">{device.revokedAt ? ta('dev.revoked', { time: formatWhen(device.revokedAt) }) : ta('dev.added', { time: formatWhen(device.createdAt) })}</p>
      <p class="hint">{device.lastUsedAt ? ta('dev.lastUsed', { time: formatWhen(device.lastUsedAt) }) : ta('dev.neverUsed')}</p>
      {device.passkeys.map((p) => (
        <p class="hint" key={p.id} data-testid="passkey" data-synced={p.backupEligible ? 'true' : 'false'}>
          {ta('dev.passkey')}: <span class={p.backupEligible ? 'tag' : 'tag tag-muted'}>{passkeyKind(p)}</span>
        </p>
      ))}
    </li>
  );
}

export default function Devices() {
  const app = useApp();
  const [data, setData] = useState<DeviceListResponse | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const load = () =>
    void accountsApi.devices().then((r) => {
      if (r.ok) setData(r.data);
      else setError(r.error);
    });
  useEffect(load, []);

  const cancel = async (requestId: string) => {
    const r = await accountsApi.deviceChangeCancel(requestId);
    if (r.ok) load();
    else setError(r.error);
  };

  const signOutEverywhere = async () => {
    setBusy(true);
    const r = await accountsApi.signOutEverywhere();
    setBusy(false);
    if (!r.ok) {
      setError(r.error);
      return;
    }
    await app.signOut();
    navigate('/welcome', { replace: true });
  };

  return (
    <Screen title={ta('dev.title')}>
      <p>{ta('dev.lead')}</p>
      <ErrorAlert message={error ? errorText(error) : null} testId="devices-error" />
      {data === null && error === null ? <Loading /> : null}
      {data && data.pendingChanges.length > 0 ? (
        <section class="card" aria-labelledby="dev-pending" data-testid="pending-changes">
          <h2 id="dev-pending">{ta('dev.pending')}</h2>
          <ul class="device-list">
            {data.pendingChanges.map((c) => (
              <li key={c.requestId} class="stack">
                <p>{ta('dev.pendingItem', { label: c.label ?? ta('dev.unnamed'), time: formatWhen(c.createdAt) })}</p>
                {c.state === 'waiting' && c.readyAt ? <p class="hint">{ta('dev.pendingWaiting', { time: formatWhen(c.readyAt) })}</p> : null}
                <button type="button" class="btn btn-danger" onClick={() => void cancel(c.requestId)} data-testid="cancel-change">
                  {ta('dev.cancel')}
                </button>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {data ? (
        <section class="card" aria-labelledby="dev-list">
          <h2 id="dev-list">{ta('dev.title')}</h2>
          <ul class="device-list" data-testid="device-list">
            {data.devices.map((d) => (
              <Device key={d.keyId} device={d} />
            ))}
          </ul>
        </section>
      ) : null}
      <a class="btn btn-secondary" href="/device-change/approve" data-testid="to-approve">
        {ta('dev.approveNew')}
      </a>
      <section class="card stack" aria-labelledby="dev-out">
        <h2 id="dev-out">{ta('dev.signOutAll')}</h2>
        <p class="hint">{ta('dev.signOutAllHint')}</p>
        <button type="button" class="btn btn-secondary" onClick={() => void signOutEverywhere()} disabled={busy} data-testid="sign-out-all">
          {busy ? ta('dev.signingOut') : ta('dev.signOutAll')}
        </button>
      </section>
      <a class="tap" href="/settings">
        {t('app.back')}
      </a>
    </Screen>
  );
}
