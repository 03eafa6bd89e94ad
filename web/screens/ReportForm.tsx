/**
 * A new security or public-order report. Photos are resized on the phone as they are
 * picked; the location is read only when the citizen taps the button; everything is kept in
 * the outbox, so the report can be made offline.
 */
import * as v from 'valibot';
import { useEffect, useRef, useState } from 'preact/hooks';
import { MAX_PHOTOS, REPORT_CATEGORIES, ReportRequest, type ReportCategory } from '../../shared/services';
import { Field } from '../components/Field';
import { Screen } from '../components/Screen';
import { ErrorAlert, Notice } from '../components/Status';
import { t, type MessageKey } from '../i18n';
import { submit } from '../outbox/outbox';
import { resizePhoto } from '../outbox/photos';
import { navigate } from '../router';
import { CommuneSelect, useFocusFirstInvalid } from '../services/components';

type FieldName = 'description' | 'occurredAt' | 'communeCode' | 'place';

/** A datetime-local value ("2025-03-07T14:05") for a time, in the phone's zone. */
function localInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

interface Located {
  latitude: number;
  longitude: number;
  accuracy: number;
}

export default function ReportForm() {
  const [category, setCategory] = useState<ReportCategory>('public_order');
  const [description, setDescription] = useState('');
  const [when, setWhen] = useState(localInput(Date.now()));
  const [communeCode, setCommune] = useState('');
  const [placeKind, setPlaceKind] = useState<'address' | 'location'>('address');
  const [address, setAddress] = useState('');
  const [location, setLocation] = useState<Located | null>(null);
  const [locating, setLocating] = useState(false);
  const [locationError, setLocationError] = useState(false);
  const [photos, setPhotos] = useState<Array<{ blob: Blob; url: string }>>([]);
  const [processing, setProcessing] = useState(false);
  const [photoError, setPhotoError] = useState(false);
  const [anonymous, setAnonymous] = useState(false);
  const [errors, setErrors] = useState<Partial<Record<FieldName, MessageKey>>>({});
  const [busy, setBusy] = useState(false);
  const focusFirstInvalid = useFocusFirstInvalid();

  const urls = useRef<string[]>([]);
  useEffect(() => () => urls.current.forEach((u) => URL.revokeObjectURL(u)), []);

  const onPick = async (e: Event) => {
    const input = e.currentTarget as HTMLInputElement;
    const files = [...(input.files ?? [])].slice(0, MAX_PHOTOS - photos.length);
    input.value = '';
    if (files.length === 0) return;
    setProcessing(true);
    setPhotoError(false);
    const added: Array<{ blob: Blob; url: string }> = [];
    for (const file of files) {
      try {
        const blob = await resizePhoto(file);
        const url = URL.createObjectURL(blob);
        urls.current.push(url);
        added.push({ blob, url });
      } catch {
        setPhotoError(true);
      }
    }
    setPhotos((p) => [...p, ...added].slice(0, MAX_PHOTOS));
    setProcessing(false);
  };

  const locate = () => {
    if (!('geolocation' in navigator)) {
      setLocationError(true);
      return;
    }
    setLocating(true);
    setLocationError(false);
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        setLocation({ latitude: pos.coords.latitude, longitude: pos.coords.longitude, accuracy: Math.round(pos.coords.accuracy) });
        setLocating(false);
        clear('place');
      },
      () => {
        setLocating(false);
        setLocationError(true);
      },
      { enableHighAccuracy: true, timeout: 20_000, maximumAge: 60_000 },
    );
  };

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    if (busy || processing) return;
    const occurredAt = Date.parse(when);
    const body = {
      category,
      description,
      occurredAt: Number.isFinite(occurredAt) ? occurredAt : -1,
      communeCode,
      place: placeKind === 'address' ? { kind: 'address' as const, address } : location ? { kind: 'location' as const, ...location } : { kind: 'location' as const },
      anonymous,
    };
    const checked = v.safeParse(ReportRequest, body);
    const next: Partial<Record<FieldName, MessageKey>> = {};
    if (!checked.success) {
      for (const issue of checked.issues) {
        const field = (v.getDotPath(issue) ?? '').split('.')[0] as FieldName;
        const key: MessageKey | undefined =
          field === 'description' ? 'rep.err.description' : field === 'occurredAt' ? 'rep.err.when' : field === 'communeCode' ? 'rep.err.commune' : field === 'place' ? (placeKind === 'address' ? 'rep.err.address' : 'rep.err.location') : undefined;
        if (key && !next[field]) next[field] = key;
      }
    }
    // The edge refuses a time in the future or over a year old: say so here, before it is queued.
    if (!next.occurredAt && (body.occurredAt > Date.now() + 5 * 60_000 || body.occurredAt < Date.now() - 365 * 86_400_000)) next.occurredAt = 'rep.err.when';
    if (!checked.success || Object.keys(next).length) {
      setErrors(next);
      focusFirstInvalid();
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      await submit('report', checked.output, photos.map((p) => p.blob));
      navigate(`/services/reports?saved=1`, { replace: true });
    } finally {
      setBusy(false);
    }
  };

  const err = (f: FieldName) => (errors[f] ? t(errors[f]!) : null);
  const clear = (f: FieldName) => errors[f] && setErrors(({ [f]: _gone, ...rest }) => rest);

  return (
    <Screen title={t('rep.formTitle')}>
      <form class="stack" onSubmit={(e) => void onSubmit(e)} noValidate data-testid="report-form">
        <ErrorAlert message={Object.keys(errors).length ? t('svc.fixErrors') : null} />
        <div class="field">
          <label for="category">{t('rep.category')}</label>
          <select id="category" value={category} onChange={(e) => setCategory(e.currentTarget.value as ReportCategory)}>
            {REPORT_CATEGORIES.map((c) => (
              <option value={c} key={c}>
                {t(`rep.cat.${c}` as MessageKey)}
              </option>
            ))}
          </select>
        </div>
        <div class={errors.description ? 'field field-invalid' : 'field'}>
          <label for="description">{t('rep.description')}</label>
          <p id="description-hint" class="hint">
            {t('rep.descriptionHint')}
          </p>
          <textarea
            id="description"
            rows={5}
            maxLength={2000}
            value={description}
            onInput={(e) => {
              setDescription(e.currentTarget.value);
              clear('description');
            }}
            aria-invalid={errors.description ? 'true' : undefined}
            aria-describedby={errors.description ? 'description-hint description-error' : 'description-hint'}
          />
          {errors.description ? (
            <p id="description-error" class="field-error">
              {err('description')}
            </p>
          ) : null}
        </div>
        <div class={errors.occurredAt ? 'field field-invalid' : 'field'}>
          <label for="when">{t('rep.when')}</label>
          <input id="when" type="datetime-local" value={when} max={localInput(Date.now())} onInput={(e) => {
              setWhen(e.currentTarget.value);
              clear('occurredAt');
            }} aria-invalid={errors.occurredAt ? 'true' : undefined} aria-describedby={errors.occurredAt ? 'when-error' : undefined} />
          {errors.occurredAt ? (
            <p id="when-error" class="field-error">
              {err('occurredAt')}
            </p>
          ) : null}
        </div>
        <CommuneSelect id="commune" label={t('rep.commune')} value={communeCode} onValue={(v) => {
            setCommune(v);
            clear('communeCode');
          }} error={err('communeCode')} />
        <fieldset class="choices">
          <legend>{t('rep.place')}</legend>
          {(['address', 'location'] as const).map((k) => (
            <label class="choice" key={k}>
              <input type="radio" name="place" checked={placeKind === k} onChange={() => setPlaceKind(k)} data-testid={`place-${k}`} />
              <span>{t(`rep.place.${k}`)}</span>
            </label>
          ))}
        </fieldset>
        {placeKind === 'address' ? (
          <Field id="address" label={t('rep.address')} value={address} onValue={(v) => {
            setAddress(v);
            clear('place');
          }} error={err('place')} maxLength={200} />
        ) : (
          <div class="stack-sm">
            <p class="hint">{t('rep.locationConsent')}</p>
            <button type="button" class="btn btn-secondary" onClick={locate} disabled={locating}>
              {locating ? t('rep.locating') : t('rep.getLocation')}
            </button>
            {location ? <p>{t('rep.location', { lat: location.latitude.toFixed(5), lon: location.longitude.toFixed(5), acc: location.accuracy })}</p> : null}
            {locationError ? <p class="field-error">{t('rep.locationDenied')}</p> : null}
            {errors.place ? <p class="field-error">{err('place')}</p> : null}
          </div>
        )}
        <div class="field">
          <span class="label">{t('rep.photos', { max: MAX_PHOTOS })}</span>
          <p class="hint">{t('rep.photosHint')}</p>
          {photos.length ? (
            <ul class="thumbs">
              {photos.map((p, i) => (
                <li key={p.url}>
                  <img src={p.url} alt="" width={96} height={96} />
                  <button type="button" class="thumb-remove" aria-label={t('rep.removePhoto', { n: i + 1 })} onClick={() => setPhotos((list) => list.filter((_, j) => j !== i))}>
                    ×
                  </button>
                </li>
              ))}
            </ul>
          ) : null}
          {photos.length < MAX_PHOTOS ? (
            <label class="btn btn-secondary file-button">
              {t('rep.addPhoto')}
              <input type="file" accept="image/*" multiple class="visually-hidden" onChange={(e) => void onPick(e)} data-testid="report-photo" />
            </label>
          ) : null}
          <Notice message={processing ? t('rep.photoProcessing') : null} />
          {photoError ? <p class="field-error">{t('rep.photoFailed')}</p> : null}
        </div>
        <label class="choice check">
          <input type="checkbox" checked={anonymous} onChange={(e) => setAnonymous(e.currentTarget.checked)} />
          <span>
            <strong>{t('rep.anonymous')}</strong>
            <br />
            <span class="hint">{t('rep.anonymousHint')}</span>
          </span>
        </label>
        <button type="submit" class="btn btn-primary" disabled={busy || processing} data-testid="report-submit">
          {busy ? t('svc.saving') : t('rep.submit')}
        </button>
      </form>
    </Screen>
  );
}
