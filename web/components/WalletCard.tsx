/**
 * The home screen's wallet section: whether documents are on this phone, the way into the
 * wallet, and the verifier. Reads only whether a wallet key is stored (no decryption here);
 * the wallet screens themselves are a lazy, precached chunk.
 */
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n';
import { hasWallet } from '../wallet/db';

export function WalletCard() {
  const [stored, setStored] = useState<boolean | null>(null);
  useEffect(() => {
    let live = true;
    hasWallet().then(
      (has) => live && setStored(has),
      () => live && setStored(false),
    );
    return () => {
      live = false;
    };
  }, []);
  return (
    <section class="card stack" aria-labelledby="wallet-heading" data-testid="wallet">
      <h2 id="wallet-heading">{t('home.wallet')}</h2>
      {stored === null ? null : <p class={stored ? undefined : 'empty'}>{stored ? t('home.walletReady') : t('home.walletEmpty')}</p>}
      <a class="btn btn-primary" href="/wallet" data-testid="open-wallet">
        {t('home.walletOpen')}
      </a>
      <a class="tap" href="/verify" data-testid="open-verifier">
        {t('home.verify')}
      </a>
    </section>
  );
}
