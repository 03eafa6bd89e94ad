/**
 * The officer console (/officer, lazy; desk-computer layout): passkey sign-in or registration
 * with a one-time code, then the citizen desk, and for supervisors the officers, the
 * public-service portals (OpenID Connect clients) and the audit log. Its own session (an HttpOnly officer cookie), apart from any citizen's.
 */
import { useEffect, useState } from 'preact/hooks';
import type { OfficerMe } from '../../shared/officer';
import { officerApi } from '../accounts/api';
import { Screen } from '../components/Screen';
import { Loading } from '../components/Status';
import { td } from '../i18n/officer';
import { AuditPanel } from '../officer/AuditPanel';
import { CitizenDesk } from '../officer/CitizenDesk';
import { OfficerAuth } from '../officer/OfficerAuth';
import { OfficersPanel } from '../officer/OfficersPanel';
import { PortalsPanel } from '../officer/PortalsPanel';
import '../officer/officer.css';

type Tab = 'citizen' | 'officers' | 'portals' | 'audit';

export default function Officer() {
  const [me, setMe] = useState<OfficerMe | null | undefined>(undefined);
  const [tab, setTab] = useState<Tab>('citizen');

  useEffect(() => {
    // The desk needs the width of a desk computer.
    const main = document.getElementById('main');
    main?.classList.add('screen-desk');
    void officerApi.me().then((r) => setMe(r.ok ? r.data : null));
    return () => main?.classList.remove('screen-desk');
  }, []);

  const signOut = async () => {
    await officerApi.signOut();
    setMe(null);
  };

  return (
    <Screen title={td('desk.title')}>
      {me === undefined ? (
        <Loading />
      ) : me === null ? (
        <OfficerAuth onSignedIn={setMe} />
      ) : (
        <>
          <div class="desk-bar">
            <p class="desk-who" data-testid="desk-who">
              {me.name} · {td(`desk.role.${me.role}`)} · <span class="mono">{me.unitCode}</span>
            </p>
            <nav aria-label={td('desk.title')}>
              <ul class="desk-tabs">
                <li>
                  <button type="button" class="desk-tab" aria-current={tab === 'citizen' ? 'page' : undefined} onClick={() => setTab('citizen')} data-testid="desk-tab-citizen">
                    {td('desk.tab.citizen')}
                  </button>
                </li>
                {me.role === 'supervisor' ? (
                  <>
                    <li>
                      <button type="button" class="desk-tab" aria-current={tab === 'officers' ? 'page' : undefined} onClick={() => setTab('officers')} data-testid="desk-tab-officers">
                        {td('desk.tab.officers')}
                      </button>
                    </li>
                    <li>
                      <button type="button" class="desk-tab" aria-current={tab === 'portals' ? 'page' : undefined} onClick={() => setTab('portals')} data-testid="desk-tab-portals">
                        {td('desk.tab.portals')}
                      </button>
                    </li>
                    <li>
                      <button type="button" class="desk-tab" aria-current={tab === 'audit' ? 'page' : undefined} onClick={() => setTab('audit')} data-testid="desk-tab-audit">
                        {td('desk.tab.audit')}
                      </button>
                    </li>
                  </>
                ) : null}
                <li>
                  <a class="desk-tab" href="/officer/services">
                    {td('desk.services')}
                  </a>
                </li>
                <li>
                  <button type="button" class="desk-tab" onClick={() => void signOut()} data-testid="desk-signout">
                    {td('desk.signOut')}
                  </button>
                </li>
              </ul>
            </nav>
          </div>
          {tab === 'citizen' ? <CitizenDesk /> : tab === 'officers' ? <OfficersPanel /> : tab === 'portals' ? <PortalsPanel /> : <AuditPanel />}
        </>
      )}
    </Screen>
  );
}
