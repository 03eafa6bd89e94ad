import { t } from '../i18n';
import { Screen } from './Screen';

export function NotFound() {
  return (
    <Screen title={t('notFound.title')}>
      <p>{t('notFound.body')}</p>
      <p>
        <a class="tap" href="/">{t('notFound.home')}</a>
      </p>
    </Screen>
  );
}
