/** Officer sign-in (passkey) and registration with a one-time code (bootstrap or invitation). */
import { useState } from 'preact/hooks';
import type { OfficerMe } from '../../shared/officer';
import { officerApi } from '../accounts/api';
import { officerAssert, officerCreate } from '../accounts/ceremonies';
import type { ApiError } from '../api';
import { Field } from '../components/Field';
import { ErrorAlert } from '../components/Status';
import { errorText } from '../i18n';
import { td } from '../i18n/officer';

export function OfficerAuth({ onSignedIn }: { onSignedIn: (me: OfficerMe) => void }) {
  const [busy, setBusy] = useState<'signin' | 'register' | null>(null);
  const [signInError, setSignInError] = useState<ApiError | null>(null);
  const [registerError, setRegisterError] = useState<ApiError | null>(null);
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [unit, setUnit] = useState('');

  const signIn = async () => {
    setBusy('signin');
    setSignInError(null);
    const options = await officerApi.signInOptions();
    const credential = options.ok ? await officerAssert(options.data.options) : options;
    const result = credential.ok ? await officerApi.signInVerify({ credential: credential.data }) : credential;
    setBusy(null);
    if (result.ok) onSignedIn(result.data);
    else setSignInError(result.error);
  };

  const register = async (event: Event) => {
    event.preventDefault();
    setBusy('register');
    setRegisterError(null);
    const options = await officerApi.registerOptions({ code, ...(name.trim() ? { name } : {}), ...(unit.trim() ? { unitCode: unit } : {}) });
    const credential = options.ok ? await officerCreate(options.data.options) : options;
    const result = credential.ok ? await officerApi.registerFinish({ code, credential: credential.data }) : credential;
    setBusy(null);
    if (result.ok) onSignedIn(result.data);
    else setRegisterError(result.error);
  };

  return (
    <div class="desk-grid desk-auth">
      <section class="card stack" aria-labelledby="desk-signin">
        <h2 id="desk-signin">{td('desk.signInTitle')}</h2>
        <p>{td('desk.signInLead')}</p>
        <ErrorAlert message={signInError ? errorText(signInError) : null} testId="desk-signin-error" />
        <button type="button" class="btn btn-primary" onClick={() => void signIn()} disabled={busy !== null} data-testid="desk-signin">
          {busy === 'signin' ? td('desk.working') : td('desk.signIn')}
        </button>
      </section>
      <section class="card" aria-labelledby="desk-register">
        <h2 id="desk-register">{td('desk.registerTitle')}</h2>
        <p class="hint">{td('desk.registerLead')}</p>
        <form class="stack" noValidate onSubmit={(e) => void register(e)} data-testid="desk-register">
          <Field id="desk-code" label={td('desk.code')} value={code} onValue={setCode} autoComplete="off" autoCapitalize="characters" maxLength={40} required class="mono" />
          <Field id="desk-name" label={td('desk.name')} value={name} onValue={setName} autoComplete="name" maxLength={100} />
          <Field id="desk-unit" label={td('desk.unit')} value={unit} onValue={setUnit} autoComplete="off" autoCapitalize="characters" maxLength={24} />
          <ErrorAlert message={registerError ? errorText(registerError) : null} testId="desk-register-error" />
          <button type="submit" class="btn btn-secondary" disabled={busy !== null}>
            {busy === 'register' ? td('desk.working') : td('desk.register')}
          </button>
        </form>
      </section>
    </div>
  );
}
