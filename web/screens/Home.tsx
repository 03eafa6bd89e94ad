/** The signed-in home: who you are, the account level, and the document wallet. Works offline from the cached account. */
import { maskIdNumber } from '../../shared/format';
import { Screen } from '../components/Screen';
import { WalletCard } from '../components/WalletCard';
import { t } from '../i18n';
import { useApp } from '../state';
import { ServicesCard } from '../services/ServicesCard';

export default function Home() {
  const app = useApp();
  const me = app.me.value;
  if (!me) return null;
  return (
    <Screen title={t('home.title')} heading={t('home.greeting', { name: me.fullName })}>
      {app.online.value ? null : <p class="muted">{t('home.savedCopy')}</p>}
      {me.status === 'locked' ? <p class="alert">{t('home.lockedNote')}</p> : null}
      <section class="card" aria-labelledby="account-heading" data-testid="account-card">
        <h2 id="account-heading">{t('home.account')}</h2>
        <dl class="facts">
          <div>
            <dt>{t('home.idNumber')}</dt>
            <dd class="mono" data-testid="id-masked">
              {maskIdNumber(me.idNumber)}
            </dd>
          </div>
          <div>
            <dt>{t('home.level')}</dt>
            <dd>
              <span class="badge" data-testid="account-level">
                {me.level === 2 ? t('home.level2') : t('home.level1')}
              </span>
            </dd>
          </div>
          <div>
            <dt>{t('home.phone')}</dt>
            <dd>{me.phoneMasked}</dd>
          </div>
          <div>
            <dt>{t('home.status')}</dt>
            <dd>{me.status === 'locked' ? t('home.locked') : t('home.active')}</dd>
          </div>
        </dl>
      </section>
      <WalletCard />
      <ServicesCard />
    </Screen>
  );
}
