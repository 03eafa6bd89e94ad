/**
 * The open wallet's list and document screens (a lazy chunk, precached; fetched while the
 * passcode is typed): the documents as tiles, each one drawn as its card, the sync state and
 * the passkey offer after set-up. The credential decoder (CBOR) comes with this chunk, not
 * before the passcode prompt.
 */
import '../wallet/wallet.css';
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { WalletDocument } from '../../shared/api';
import { fromBase64Url } from '../../shared/bytes';
import { decodeCredential, type DecodedCredential } from '../../shared/credential';
import { DocumentCard, docTypeName } from '../components/DocumentCard';
import { Screen } from '../components/Screen';
import { Notice } from '../components/Status';
import { formatDate, formatDateTime, formatDay, syncErrorText, tw } from '../i18n/wallet';
import type { AppState } from '../state';
import { wallet } from '../wallet/session';

/** The display view of a document: its full credential decoded (the wallet trusts what it received). */
export function displayCredential(doc: WalletDocument): DecodedCredential | null {
  const b64 = doc.credentials.full ?? doc.credentials.basic ?? Object.values(doc.credentials)[0];
  const bytes = b64 ? fromBase64Url(b64) : null;
  return bytes ? decodeCredential(bytes) : null;
}

/** The date a document itself stops being valid, when it has one (card expiry, BHYT end…). */
function documentValidUntil(data: Record<string, unknown>): string | null {
  const value = data['expiryDate'] ?? data['validTo'];
  return typeof value === 'string' ? value : null;
}

/** The list (`doc` null) or one document as its card. */
export default function WalletDocuments({ app, doc }: { app: AppState; doc: WalletDocument | null }) {
  return doc ? <DocumentScreen doc={doc} /> : <DocumentList app={app} />;
}

function PasskeyOffer() {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  if (!wallet.passkeyOffer.value) {
    return message ? <Notice message={message} /> : null;
  }
  const enable = async () => {
    setBusy(true);
    const ok = await wallet.enablePasskey();
    setBusy(false);
    setMessage(ok ? tw('passkey.enabled') : tw('passkey.unsupported'));
    if (!ok) wallet.dismissPasskeyOffer();
  };
  return (
    <section class="card stack" aria-labelledby="passkey-offer-h" data-testid="passkey-offer">
      <h2 id="passkey-offer-h">{tw('passkey.offerTitle')}</h2>
      <p>{tw('passkey.offerLead')}</p>
      <button type="button" class="btn btn-primary" onClick={() => void enable()} disabled={busy} data-testid="passkey-enable">
        {busy ? tw('passkey.enabling') : tw('passkey.enable')}
      </button>
      <button type="button" class="btn-link" onClick={() => wallet.dismissPasskeyOffer()} disabled={busy}>
        {tw('passkey.later')}
      </button>
    </section>
  );
}

function SyncStatus({ app }: { app: AppState }) {
  const sync = wallet.sync.value;
  const syncedAt = wallet.contents.value?.syncedAt;
  let message: string | null = null;
  if (sync.state === 'syncing') message = tw('wallet.syncing');
  else if (sync.state === 'failed') message = tw('wallet.syncFailed', { reason: syncErrorText(sync.error) });
  else if (!app.online.value) message = tw('wallet.offline');
  else if (sync.state === 'done') message = tw('wallet.synced');
  return (
    <div class="wallet-status">
      <Notice message={message} />
      {syncedAt ? (
        <p class="muted small" data-testid="wallet-synced-at">
          {tw('wallet.syncedAt', { time: formatDateTime(syncedAt) })}
        </p>
      ) : null}
    </div>
  );
}

function DocumentTile({ doc }: { doc: WalletDocument }) {
  const decoded = displayCredential(doc);
  const data = (decoded?.data ?? {}) as Record<string, unknown>;
  const until = documentValidUntil(data);
  const expired = doc.expiresAt <= Date.now();
  return (
    <li>
      <a class={`doc-tile doc-${doc.docType}`} href={`/wallet/${encodeURIComponent(doc.id)}`} data-testid={`doc-tile-${doc.docType}`}>
        <span class="doc-tile-type">{docTypeName(doc.docType)}</span>
        {typeof data['fullName'] === 'string' ? <span class="doc-tile-name">{data['fullName']}</span> : null}
        {until ? <span class="doc-tile-meta">{tw('f.expiryDate')}: {formatDay(until)}</span> : null}
        {expired ? <span class="doc-tile-warn">{tw('wallet.copyExpired')}</span> : null}
      </a>
    </li>
  );
}

function DocumentList({ app }: { app: AppState }) {
  const docs = wallet.contents.value?.documents ?? [];
  const syncing = wallet.sync.value.state === 'syncing';
  return (
    <Screen title={tw('wallet.title')}>
      <PasskeyOffer />
      <SyncStatus app={app} />
      {docs.length === 0 ? (
        <p class="empty">{tw('wallet.empty')}</p>
      ) : (
        <>
          <p class="muted small">{tw('wallet.count', { count: docs.length })}</p>
          <ul class="doc-tiles" data-testid="wallet-list">
            {docs.map((doc) => (
              <DocumentTile key={doc.id} doc={doc} />
            ))}
          </ul>
        </>
      )}
      <div class="actions">
        <button type="button" class="btn btn-secondary" onClick={() => void wallet.refresh()} disabled={syncing || !app.online.value} data-testid="wallet-sync">
          {syncing ? tw('wallet.syncing') : tw('wallet.sync')}
        </button>
        <button type="button" class="btn-link" onClick={() => wallet.lock()} data-testid="wallet-lock">
          {tw('wallet.lock')}
        </button>
      </div>
    </Screen>
  );
}

function BackLink({ href, children }: { href: string; children: ComponentChildren }) {
  return (
    <a class="tap back-link" href={href}>
      <span aria-hidden="true" class="back-arrow">
        ‹
      </span>
      {children}
    </a>
  );
}

function DocumentScreen({ doc }: { doc: WalletDocument }) {
  const decoded = displayCredential(doc);
  const name = docTypeName(doc.docType);
  const expired = doc.expiresAt <= Date.now();
  return (
    <Screen title={name}>
      <BackLink href="/wallet">{tw('wallet.back')}</BackLink>
      {decoded ? <DocumentCard docType={decoded.docType} view={decoded.view} data={decoded.data as Record<string, unknown>} /> : null}
      <p class={expired ? 'alert' : 'muted small'} data-testid="copy-expiry">
        {expired ? tw('wallet.copyExpired') : tw('wallet.copyExpires', { date: formatDate(doc.expiresAt) })}
      </p>
      <a class="btn btn-primary" href={`/wallet/${encodeURIComponent(doc.id)}/qr`} data-testid="show-qr">
        {tw('wallet.showQr')}
      </a>
    </Screen>
  );
}
