/**
 * A new residence notification. It works offline: the form is checked on the phone with the
 * edge's own schema, kept in the outbox, and sent when the network allows. As host the
 * citizen types each guest's ID number and full name as on the guest's card; the edge checks
 * the pair against the registry and, when it does not match, the item comes back refused
 * with the guest's row, and opens here again (`?edit=<outbox key>`) with that row marked.
 */
import * as v from 'valibot';
import { useEffect, useState } from 'preact/hooks';
import { formatDay, ResidenceNoticeRequest, vietnamDay, type Household, type ResidenceRole } from '../../shared/services';
import { Field } from '../components/Field';
import { Screen } from '../components/Screen';
import { ErrorAlert, Notice } from '../components/Status';
import { t, type MessageKey } from '../i18n';
import { getOutboxItem } from '../outbox/db';
import { discard, submit } from '../outbox/outbox';
import { navigate, search } from '../router';
import { servicesApi } from '../services/api';
import { CommuneSelect, mismatchedGuest, useFocusFirstInvalid } from '../services/components';
import { useApp } from '../state';

type FieldName = 'communeCode' | 'address' | 'people' | 'from' | 'to' | 'reason';

const FIELD_ERRORS: Record<FieldName, MessageKey> = {
  communeCode: 'res.err.commune',
  address: 'res.err.address',
  people: 'res.err.people',
  from: 'res.err.date',
  to: 'res.err.dates',
  reason: 'res.err.reason',
};

interface Guest {
  idNumber: string;
  fullName: string;
}

/** A guest row's errors: a field's own, or the pair not matching the registry (one message for both: which one is wrong is not told). */
interface GuestErrors {
  idNumber?: MessageKey;
  fullName?: MessageKey;
  pair?: boolean;
}

const addDays = (iso: string, n: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const emptyGuest = (): Guest => ({ idNumber: '', fullName: '' });

export default function ResidenceForm() {
  const app = useApp();
  const me = app.me.value;
  const today = vietnamDay(Date.now());
  const [role, setRole] = useState<ResidenceRole>('guest');
  const [communeCode, setCommune] = useState('');
  const [address, setAddress] = useState('');
  const [from, setFrom] = useState(today);
  const [to, setTo] = useState(addDays(today, 1));
  const [reason, setReason] = useState('');
  const [dependants, setDependants] = useState<string[]>([]);
  const [guests, setGuests] = useState<Guest[]>([emptyGuest()]);
  const [household, setHousehold] = useState<Household | null>(null);
  const [errors, setErrors] = useState<Partial<Record<FieldName, MessageKey>>>({});
  const [guestErrors, setGuestErrors] = useState<Record<number, GuestErrors>>({});
  const [busy, setBusy] = useState(false);
  /** The refused outbox item being corrected: it is replaced by the corrected one. */
  const [editing, setEditing] = useState<string | null>(null);
  const focusFirstInvalid = useFocusFirstInvalid();

  useEffect(() => {
    void servicesApi.household().then((r) => r.data && setHousehold(r.data));
    const key = new URLSearchParams(search.value).get('edit');
    if (key) void getOutboxItem(key).then((item) => item && item.kind === 'residence' && item.state === 'rejected' && load(item.key, item.body as ResidenceNoticeRequest, mismatchedGuest(item.error)), () => undefined);
  }, []);

  /** Fills the form from a refused item (an item kept before guests had names holds bare ID numbers). */
  const load = (key: string, body: ResidenceNoticeRequest, mismatch: number | null) => {
    setEditing(key);
    setRole(body.role);
    setCommune(body.communeCode);
    setAddress(body.address);
    setFrom(body.from);
    setTo(body.to);
    setReason(body.reason);
    if (body.role === 'guest') setDependants(body.people);
    else {
      const rows = (body.people as unknown[]).map((p): Guest => (typeof p === 'string' ? { idNumber: p, fullName: '' } : { ...emptyGuest(), ...(p as Guest) }));
      setGuests(rows.length ? rows : [emptyGuest()]);
      if (mismatch !== null && mismatch < rows.length) {
        setGuestErrors({ [mismatch]: { pair: true } });
        focusFirstInvalid();
      }
    }
  };

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    // Rows left empty are not guests; `rows[k].at` is the row on screen of the k-th guest sent.
    const rows = guests
      .map((g, at) => ({ at, idNumber: g.idNumber.replace(/\s/g, ''), fullName: g.fullName }))
      .filter((g) => g.idNumber || g.fullName.trim());
    const body =
      role === 'guest'
        ? { role, communeCode, address, people: dependants, from, to, reason }
        : { role, communeCode, address, people: rows.map(({ idNumber, fullName }) => ({ idNumber, fullName })), from, to, reason };
    const checked = v.safeParse(ResidenceNoticeRequest, body);
    if (!checked.success) {
      const next: Partial<Record<FieldName, MessageKey>> = {};
      const nextGuests: Record<number, GuestErrors> = {};
      for (const issue of checked.issues) {
        const [field, index, part] = (v.getDotPath(issue) ?? '').split('.');
        if (role === 'host' && field === 'people') {
          const row = index !== undefined ? rows[Number(index)]?.at : undefined;
          if (row !== undefined && (part === 'idNumber' || part === 'fullName')) {
            nextGuests[row] = { ...nextGuests[row], [part]: part === 'idNumber' ? 'res.err.guestId' : 'res.err.guestName' };
          } else if (rows.length === 0) {
            nextGuests[0] = { idNumber: 'res.err.people' };
          } else {
            // The same ID number twice: the later row is the one to fix.
            const seen = new Set<string>();
            for (const r of rows) {
              if (seen.has(r.idNumber)) nextGuests[r.at] = { ...nextGuests[r.at], idNumber: 'res.err.guestDuplicate' };
              seen.add(r.idNumber);
            }
          }
        } else if (field && field in FIELD_ERRORS && !next[field as FieldName]) next[field as FieldName] = FIELD_ERRORS[field as FieldName];
      }
      setErrors(next);
      setGuestErrors(nextGuests);
      focusFirstInvalid();
      return;
    }
    setErrors({});
    setGuestErrors({});
    setBusy(true);
    try {
      await submit('residence', checked.output);
      if (editing) await discard(editing);
      navigate(`/services/residence?saved=1`, { replace: true });
    } finally {
      setBusy(false);
    }
  };

  const err = (f: FieldName) => (errors[f] ? t(errors[f]!) : null);
  /** A setter that also clears the field's error: the message goes once the citizen acts on it. */
  const edit =
    <T,>(f: FieldName, set: (v: T) => void) =>
    (v: T) => {
      set(v);
      if (errors[f]) setErrors(({ [f]: _gone, ...rest }) => rest);
    };
  /** Editing either field of a guest row clears that row's errors (a pair that did not match is retyped as a pair). */
  const editGuest = (i: number, part: keyof Guest) => (value: string) => {
    setGuests((list) => list.map((g, j) => (j === i ? { ...g, [part]: value } : g)));
    if (guestErrors[i]) setGuestErrors(({ [i]: _gone, ...rest }) => rest);
  };
  const removeGuest = (i: number) => {
    setGuests((list) => list.filter((_, j) => j !== i));
    setGuestErrors((all) => Object.fromEntries(Object.entries(all).flatMap(([k, e]) => (Number(k) === i ? [] : [[Number(k) > i ? Number(k) - 1 : Number(k), e]]))));
  };
  const toggleDependant = (id: string) => setDependants((d) => (d.includes(id) ? d.filter((x) => x !== id) : [...d, id]));
  const hasErrors = Object.keys(errors).length > 0 || Object.keys(guestErrors).length > 0;

  return (
    <Screen title={t('res.formTitle')}>
      <form class="stack" onSubmit={(e) => void onSubmit(e)} noValidate data-testid="residence-form">
        <Notice message={editing && !hasErrors ? t('res.editing') : null} />
        <ErrorAlert message={hasErrors ? t('svc.fixErrors') : null} />
        <fieldset class="choices">
          <legend>{t('res.role')}</legend>
          {(['guest', 'host'] as const).map((r) => (
            <label class="choice" key={r}>
              <input type="radio" name="role" value={r} checked={role === r} onChange={() => setRole(r)} data-testid={`role-${r}`} />
              <span>{t(`res.role.${r}`)}</span>
            </label>
          ))}
        </fieldset>
        <CommuneSelect id="commune" label={t('res.commune')} hint={t('res.communeHint')} value={communeCode} onValue={edit('communeCode', setCommune)} error={err('communeCode')} />
        <Field id="address" label={t('res.address')} hint={t('res.addressHint')} value={address} onValue={edit('address', setAddress)} error={err('address')} autoComplete="street-address" maxLength={200} />
        {role === 'guest' ? (
          <fieldset class="choices">
            <legend>{t('res.people')}</legend>
            <p class="choice-fixed">{t('res.self', { name: me?.fullName ?? '' })}</p>
            {household && household.dependants.length === 0 ? <p class="hint">{t('res.noDependants')}</p> : null}
            {household?.dependants.map((d) => (
              <label class="choice" key={d.idNumber}>
                <input type="checkbox" checked={dependants.includes(d.idNumber)} onChange={() => toggleDependant(d.idNumber)} />
                <span>
                  {d.fullName} <span class="muted">· {formatDay(d.birthDate)}</span>
                </span>
              </label>
            ))}
          </fieldset>
        ) : (
          <fieldset class="choices">
            <legend>{t('res.guests')}</legend>
            <p class="hint">{t('res.guestsHint')}</p>
            {guests.map((g, i) => {
              const e = guestErrors[i] ?? {};
              const pairId = e.pair ? `guest-${i}-error` : undefined;
              return (
                <div class={e.pair ? 'guest-row guest-row-invalid' : 'guest-row'} key={i} data-testid="guest-row">
                  <Field
                    id={`guest-${i}-id`}
                    label={t('res.guestId', { n: i + 1 })}
                    value={g.idNumber}
                    onValue={editGuest(i, 'idNumber')}
                    inputMode="numeric"
                    autoComplete="off"
                    maxLength={14}
                    error={e.idNumber ? t(e.idNumber) : null}
                    invalid={e.pair}
                    describedBy={pairId}
                  />
                  <Field
                    id={`guest-${i}-name`}
                    label={t('res.guestName', { n: i + 1 })}
                    value={g.fullName}
                    onValue={editGuest(i, 'fullName')}
                    autoComplete="off"
                    autoCapitalize="words"
                    maxLength={100}
                    error={e.fullName ? t(e.fullName) : null}
                    invalid={e.pair}
                    describedBy={pairId}
                  />
                  {e.pair ? (
                    <p id={pairId} class="field-error" data-testid="guest-mismatch">
                      {t('res.err.guestMismatch')}
                    </p>
                  ) : null}
                  {guests.length > 1 ? (
                    <button type="button" class="btn-link" onClick={() => removeGuest(i)}>
                      {t('res.removeGuest', { n: i + 1 })}
                    </button>
                  ) : null}
                </div>
              );
            })}
            {guests.length < 10 ? (
              <button type="button" class="btn btn-secondary" onClick={() => setGuests((list) => [...list, emptyGuest()])}>
                {t('res.addGuest')}
              </button>
            ) : null}
          </fieldset>
        )}
        <div class="two-cols">
          <Field id="from" type="date" label={t('res.from')} value={from} onValue={edit('from', setFrom)} error={err('from')} />
          <Field id="to" type="date" label={t('res.to')} value={to} onValue={edit('to', setTo)} error={err('to')} min={from} />
        </div>
        <div class={errors.reason ? 'field field-invalid' : 'field'}>
          <label for="reason">{t('res.reason')}</label>
          <p id="reason-hint" class="hint">
            {t('res.reasonHint')}
          </p>
          <textarea id="reason" name="reason" rows={2} maxLength={500} value={reason} onInput={(e) => setReason(e.currentTarget.value)} aria-describedby="reason-hint" />
        </div>
        <button type="submit" class="btn btn-primary" disabled={busy} data-testid="residence-submit">
          {busy ? t('svc.saving') : t('res.submit')}
        </button>
      </form>
    </Screen>
  );
}
