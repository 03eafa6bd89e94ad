/**
 * The citizen at the desk: look up by ID number, compare the registry with the card in hand,
 * then act — level-2 approval (card-check box), attach documents (originals box), approve a
 * device change (the code on the new phone + card box), lock and unlock. Each action answers
 * with the updated record.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import * as v from 'valibot';
import { Email } from '../../shared/accounts';
import { IdNumber, normalizePhone, Phone, SmsCode } from '../../shared/api';
import type { CitizenRecord } from '../../shared/officer';
import { officerApi } from '../accounts/api';
import type { ApiError, ApiResult } from '../api';
import { Field } from '../components/Field';
import { ErrorAlert, Notice } from '../components/Status';
import { errorText, t } from '../i18n';
import { formatWhen } from '../i18n/accounts';
import { td, type OfficerMessageKey } from '../i18n/officer';

const day = (iso: string) => iso.split('-').reverse().join('/');

function Check({ id, checked, onChange, children }: { id: string; checked: boolean; onChange: (value: boolean) => void; children: ComponentChildren }) {
  return (
    <label class="check" for={id}>
      <input id={id} type="checkbox" checked={checked} onChange={(e) => onChange(e.currentTarget.checked)} />
      <span>{children}</span>
    </label>
  );
}

/** Runs one action: busy flag, error, a "done" notice, and the new record. */
function useAction(setRecord: (r: CitizenRecord) => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState(false);
  const run = async (call: () => Promise<ApiResult<CitizenRecord>>, after?: () => void) => {
    setBusy(true);
    setError(null);
    setDone(false);
    const result = await call();
    setBusy(false);
    if (result.ok) {
      setRecord(result.data);
      setDone(true);
      after?.();
    } else setError(result.error);
  };
  return { busy, error, done, run };
}

function Facts({ record }: { record: CitizenRecord }) {
  const a = record.account;
  return (
    <section class="card" aria-labelledby="desk-facts" data-testid="desk-record">
      <h2 id="desk-facts">{td('desk.registry')}</h2>
      <dl class="facts">
        <div>
          <dt>{td('desk.fullName')}</dt>
          <dd data-testid="desk-fullname">{record.fullName}</dd>
        </div>
        <div>
          <dt>{td('desk.search')}</dt>
          <dd class="mono">{record.idNumber}</dd>
        </div>
        <div>
          <dt>{td('desk.birthDate')}</dt>
          <dd>{day(record.birthDate)}</dd>
        </div>
        <div>
          <dt>{td('desk.sex')}</dt>
          <dd>{td(`desk.sex.${record.sex}`)}</dd>
        </div>
        <div>
          <dt>{td('desk.hometown')}</dt>
          <dd>{record.hometown}</dd>
        </div>
        <div>
          <dt>{td('desk.address')}</dt>
          <dd>{record.address}</dd>
        </div>
        <div>
          <dt>{td('desk.card')}</dt>
          <dd>
            {record.cardExpires === '2099-12-31'
              ? td('desk.cardNoExpiry', { issued: day(record.cardIssued) })
              : td('desk.cardDates', { issued: day(record.cardIssued), expires: day(record.cardExpires) })}{' '}
            <span class={record.cardValid ? 'pill' : 'pill pill-bad'}>{record.cardValid ? td('desk.cardValid') : td('desk.cardExpired')}</span>
          </dd>
        </div>
        <div>
          <dt>{td('desk.registryPhone')}</dt>
          <dd>{record.registryPhone ?? '—'}</dd>
        </div>
      </dl>
      <h2 class="desk-subhead">{td('desk.account')}</h2>
      {a ? (
        <dl class="facts" data-testid="desk-account">
          <div>
            <dt>{td('desk.level')}</dt>
            <dd>
              <span class="badge" data-testid="desk-level">
                {a.level}
              </span>
            </dd>
          </div>
          <div>
            <dt>{td('desk.status')}</dt>
            <dd data-testid="desk-status">{td(`desk.status.${a.status}`)}</dd>
          </div>
          <div>
            <dt>{td('desk.phone')}</dt>
            <dd>{a.phone}</dd>
          </div>
          <div>
            <dt>{td('desk.email')}</dt>
            <dd>{a.email ?? '—'}</dd>
          </div>
          <div>
            <dt>{td('desk.devices')}</dt>
            <dd>{a.activeDevices}</dd>
          </div>
        </dl>
      ) : (
        <p class="empty">{td('desk.noAccount')}</p>
      )}
      {record.level2Approval ? (
        <p class="notice" data-testid="desk-approval-pending">
          {td('desk.approvalPending', { phone: record.level2Approval.phone, time: formatWhen(record.level2Approval.expiresAt) })}
        </p>
      ) : null}
    </section>
  );
}

/**
 * Level-2 approval. For an account, a phone other than the account's is recorded only with the
 * SMS code sent to that number, read out by the citizen from the phone in hand: the form first
 * sends the code, then asks for it with the approval.
 */
function Level2({ record, setRecord }: { record: CitizenRecord; setRecord: (r: CitizenRecord) => void }) {
  const [checked, setChecked] = useState(false);
  const [phone, setPhone] = useState(record.account?.phone ?? record.registryPhone ?? '');
  const [email, setEmail] = useState(record.account?.email ?? '');
  const [fieldError, setFieldError] = useState<{ phone?: string; email?: string; code?: string }>({});
  /** The number an SMS code was sent to (normalised), and the code typed. */
  const [codeSentTo, setCodeSentTo] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const [sending, setSending] = useState(false);
  const [sendError, setSendError] = useState<ApiError | null>(null);
  /** The activation code of an approval without an account: shown once, until the officer hides it. */
  const [activation, setActivation] = useState<{ code: string; expiresAt: number } | null>(null);
  const action = useAction(setRecord);
  const isLevel2 = record.account?.level === 2;
  const normalized = v.safeParse(Phone, phone).success ? normalizePhone(phone.replace(/[\s.-]/g, '')) : null;
  const needsCode = record.account !== null && normalized !== null && normalized !== record.account.phone;
  const codeReady = needsCode && codeSentTo === normalized;

  const sendCode = async (to: string) => {
    setSending(true);
    setSendError(null);
    const result = await officerApi.phoneCode(record.idNumber, { phone: to });
    setSending(false);
    if (result.ok) {
      setCodeSentTo(to);
      setCode('');
    } else setSendError(result.error);
  };

  const submit = (event: Event) => {
    event.preventDefault();
    const errors: { phone?: string; email?: string; code?: string } = {};
    if (!normalized) errors.phone = t('field.phone');
    if (email.trim() && !v.safeParse(Email, email).success) errors.email = t('errors.validation_failed');
    if (codeReady && !v.safeParse(SmsCode, code).success) errors.code = code ? t('field.sms_code') : t('field.required');
    setFieldError(errors);
    if (errors.phone || errors.email || errors.code || !checked || !normalized) return;
    if (needsCode && !codeReady) {
      void sendCode(normalized);
      return;
    }
    void action.run(
      async () => {
        const result = await officerApi.level2(record.idNumber, {
          cardChecked: true,
          phone: normalized,
          ...(email.trim() ? { email: email.trim() } : {}),
          ...(codeReady ? { phoneCode: code.trim() } : {}),
        });
        if (!result.ok) return result;
        const { activation: issued, ...next } = result.data;
        setActivation(issued ?? null);
        return { ok: true as const, data: next };
      },
      () => {
        setCodeSentTo(null);
        setCode('');
      },
    );
  };
  return (
    <section class="card" aria-labelledby="desk-l2">
      <h2 id="desk-l2">{isLevel2 ? td('desk.level2UpdateTitle') : td('desk.level2Title')}</h2>
      {activation ? (
        <div class="secret-once stack activation-once" role="status" data-testid="desk-activation">
          <p>{td('desk.activationTitle')}</p>
          <p class="invite-code secret-value" data-testid="desk-activation-code">
            {activation.code}
          </p>
          <p>{td('desk.activationOnce', { time: formatWhen(activation.expiresAt) })}</p>
          <button type="button" class="btn btn-secondary btn-compact" onClick={() => setActivation(null)} data-testid="desk-activation-done">
            {td('desk.activationDone')}
          </button>
        </div>
      ) : null}
      <form class="stack" noValidate onSubmit={submit} data-testid="desk-level2">
        <Check id="desk-l2-card" checked={checked} onChange={setChecked}>
          {td('desk.cardChecked')}
        </Check>
        <Field id="desk-l2-phone" type="tel" label={td('desk.phone')} value={phone} onValue={setPhone} error={fieldError.phone} inputMode="tel" maxLength={15} required />
        {needsCode ? (
          <p class="hint" data-testid="desk-phone-new">
            {td('desk.phoneNew')}
          </p>
        ) : null}
        {codeReady ? (
          <div class="stack" data-testid="desk-phone-code">
            <p class="notice">{td('desk.phoneCodeSent', { phone: normalized ?? '' })}</p>
            <Field
              id="desk-l2-code"
              label={td('desk.phoneCode')}
              value={code}
              onValue={(value) => setCode(value.replace(/\D/g, '').slice(0, 6))}
              error={fieldError.code}
              inputMode="numeric"
              autoComplete="off"
              maxLength={6}
              class="mono"
            />
            <button type="button" class="btn btn-secondary btn-compact" disabled={sending} onClick={() => normalized && void sendCode(normalized)} data-testid="desk-phone-resend">
              {td('desk.phoneResend')}
            </button>
          </div>
        ) : null}
        <Field id="desk-l2-email" type="email" label={td('desk.emailOptional')} value={email} onValue={setEmail} error={fieldError.email} inputMode="email" maxLength={254} />
        {record.account?.email ? <p class="hint">{td('desk.emailKept')}</p> : null}
        <ErrorAlert message={sendError ? errorText(sendError) : action.error ? errorText(action.error) : null} testId="desk-level2-error" />
        <Notice message={action.done && !needsCode ? td('desk.saved') : null} />
        <button type="submit" class="btn btn-primary" disabled={action.busy || sending || !checked || !record.cardValid} data-testid="desk-level2-submit">
          {action.busy || sending
            ? td('desk.working')
            : needsCode && !codeReady
              ? td('desk.phoneSendCode')
              : isLevel2
                ? td('desk.level2Update')
                : td('desk.approveLevel2')}
        </button>
      </form>
    </section>
  );
}

function Attach({ record, setRecord }: { record: CitizenRecord; setRecord: (r: CitizenRecord) => void }) {
  const [checked, setChecked] = useState(false);
  const action = useAction(setRecord);
  const level2 = record.account?.level === 2;
  return (
    <section class="card" aria-labelledby="desk-attach" data-testid="desk-attach">
      <h2 id="desk-attach">{td('desk.attachTitle')}</h2>
      <p class="hint">{td('desk.attachLead')}</p>
      {level2 ? (
        <div class="stack">
          <Check id="desk-originals" checked={checked} onChange={setChecked}>
            {td('desk.originalsChecked')}
          </Check>
          <div>
            {record.attachable.map((doc) => (
              <div class="doc-row" key={doc.docType} data-testid="desk-doc" data-doc={doc.docType}>
                <span>{td(`desk.doc.${doc.docType}` as OfficerMessageKey)}</span>
                {doc.attached ? (
                  <span class="pill">{td('desk.attached')}</span>
                ) : !doc.available ? (
                  <span class="hint">{td('desk.unavailable')}</span>
                ) : (
                  <button
                    type="button"
                    class="btn btn-secondary btn-compact"
                    disabled={!checked || action.busy}
                    onClick={() => void action.run(() => officerApi.attach(record.idNumber, { docType: doc.docType, originalsChecked: true }), () => setChecked(false))}
                    data-testid={`desk-attach-${doc.docType}`}
                  >
                    {td('desk.attach')}
                  </button>
                )}
              </div>
            ))}
          </div>
          <ErrorAlert message={action.error ? errorText(action.error) : null} testId="desk-attach-error" />
        </div>
      ) : (
        <p class="empty">{td('desk.needsLevel2')}</p>
      )}
    </section>
  );
}

function DeviceChanges({ record, setRecord }: { record: CitizenRecord; setRecord: (r: CitizenRecord) => void }) {
  const [codes, setCodes] = useState<Record<string, string>>({});
  const [checked, setChecked] = useState<Record<string, boolean>>({});
  const action = useAction(setRecord);
  return (
    <section class="card" aria-labelledby="desk-changes" data-testid="desk-changes">
      <h2 id="desk-changes">{td('desk.changesTitle')}</h2>
      {record.deviceChanges.length === 0 ? <p class="empty">{td('desk.noChanges')}</p> : null}
      {record.deviceChanges.map((c) => (
        <div class="stack" key={c.requestId} data-testid="desk-change">
          <p>
            {td('desk.change', {
              label: c.label ?? '—',
              time: formatWhen(c.createdAt),
              state: td(`desk.changeState.${c.state}` as OfficerMessageKey),
            })}
          </p>
          {c.state === 'approved' ? null : (
            <>
              <Field
                id={`desk-code-${c.requestId}`}
                label={td('desk.changeCode')}
                value={codes[c.requestId] ?? ''}
                onValue={(value) => setCodes({ ...codes, [c.requestId]: value.toUpperCase() })}
                autoComplete="off"
                maxLength={9}
                class="mono"
              />
              <Check id={`desk-card-${c.requestId}`} checked={checked[c.requestId] ?? false} onChange={(value) => setChecked({ ...checked, [c.requestId]: value })}>
                {td('desk.cardChecked')}
              </Check>
              <button
                type="button"
                class="btn btn-primary"
                disabled={action.busy || !checked[c.requestId] || !(codes[c.requestId] ?? '').trim()}
                onClick={() => void action.run(() => officerApi.approveDeviceChange(record.idNumber, c.requestId, { code: codes[c.requestId] ?? '', cardChecked: true }))}
                data-testid="desk-approve-change"
              >
                {td('desk.approveChange')}
              </button>
            </>
          )}
        </div>
      ))}
      <ErrorAlert message={action.error ? errorText(action.error) : null} testId="desk-changes-error" />
    </section>
  );
}

function LockUnlock({ record, setRecord }: { record: CitizenRecord; setRecord: (r: CitizenRecord) => void }) {
  const [reason, setReason] = useState('');
  const [checked, setChecked] = useState(false);
  const action = useAction(setRecord);
  const a = record.account;
  if (!a) return null;
  return (
    <section class="card stack" aria-labelledby="desk-lock">
      <h2 id="desk-lock">{td('desk.lockTitle')}</h2>
      {a.status === 'active' ? (
        <>
          <Field id="desk-reason" label={td('desk.reason')} value={reason} onValue={setReason} maxLength={200} />
          <button type="button" class="btn btn-danger" disabled={action.busy} onClick={() => void action.run(() => officerApi.lock(record.idNumber, reason.trim()))} data-testid="desk-lock">
            {td('desk.lock')}
          </button>
        </>
      ) : (
        <>
          <Check id="desk-unlock-card" checked={checked} onChange={setChecked}>
            {td('desk.unlockChecked')}
          </Check>
          <button type="button" class="btn btn-primary" disabled={action.busy || !checked} onClick={() => void action.run(() => officerApi.unlock(record.idNumber), () => setChecked(false))} data-testid="desk-unlock">
            {td('desk.unlock')}
          </button>
        </>
      )}
      <ErrorAlert message={action.error ? errorText(action.error) : null} testId="desk-lock-error" />
    </section>
  );
}

export function CitizenDesk() {
  const [idNumber, setIdNumber] = useState('');
  const [record, setRecord] = useState<CitizenRecord | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [invalid, setInvalid] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const find = async (event: Event) => {
    event.preventDefault();
    if (!v.safeParse(IdNumber, idNumber).success) {
      setInvalid(t('field.id_number'));
      return;
    }
    setInvalid(null);
    setBusy(true);
    setError(null);
    const result = await officerApi.citizen(idNumber.trim());
    setBusy(false);
    if (result.ok) setRecord(result.data);
    else {
      setRecord(null);
      setError(result.error);
    }
  };

  return (
    <div class="desk-grid">
      <div class="desk-col">
        <form class="card desk-search" noValidate onSubmit={(e) => void find(e)} data-testid="desk-search">
          <Field id="desk-id" label={td('desk.search')} value={idNumber} onValue={setIdNumber} error={invalid} inputMode="numeric" autoComplete="off" maxLength={12} class="mono" />
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {td('desk.find')}
          </button>
        </form>
        <ErrorAlert message={error ? errorText(error) : null} testId="desk-search-error" />
        {record ? <Facts record={record} /> : null}
      </div>
      {record ? (
        <div class="desk-col" key={record.idNumber}>
          <Level2 record={record} setRecord={setRecord} />
          <Attach record={record} setRecord={setRecord} />
          <DeviceChanges record={record} setRecord={setRecord} />
          <LockUnlock record={record} setRecord={setRecord} />
        </div>
      ) : null}
    </div>
  );
}
