/**
 * What the single sign-on screens (/sso, /sso/logout) share: the request named in `?request=`,
 * loaded from the edge, and the screen shown while it is missing or could not be loaded.
 */
import { useEffect, useState } from 'preact/hooks';
import type { ApiError, ApiResult } from '../api';
import { Screen } from '../components/Screen';
import { ErrorAlert } from '../components/Status';
import { errorText, t, type MessageKey } from '../i18n';
import { search } from '../router';

export function useSsoRequest<T>(read: (requestId: string) => Promise<ApiResult<T>>) {
  const requestId = new URLSearchParams(search.value).get('request') ?? '';
  const [view, setView] = useState<T | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);

  const load = async () => {
    setLoadError(null);
    const result = await read(requestId);
    if (result.ok) setView(result.data);
    else setLoadError(result.error);
  };

  useEffect(() => {
    if (requestId) void load();
  }, [requestId]);

  return { requestId, view, loadError, load };
}

/** The screen for a request that is not there or did not load (with a retry when offline); null otherwise. */
export function SsoRequestProblem(props: { title: MessageKey; missing: MessageKey; testId: string; request: { requestId: string; loadError: ApiError | null; load: () => Promise<void> } }) {
  const { requestId, loadError, load } = props.request;
  if (!requestId) {
    return (
      <Screen title={t(props.title)}>
        <p class="alert" role="alert">
          {t(props.missing)}
        </p>
      </Screen>
    );
  }
  if (!loadError) return null;
  return (
    <Screen title={t(props.title)}>
      <ErrorAlert message={errorText(loadError)} testId={props.testId} />
      {loadError.code === 'network' ? (
        <button type="button" class="btn btn-secondary" onClick={() => void load()}>
          {t('app.retry')}
        </button>
      ) : null}
    </Screen>
  );
}
