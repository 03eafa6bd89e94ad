/** The edge's API paths the PWA calls (no schemas here: the first screen loads this). */
export const API = {
  enrolStart: '/api/enrol/start',
  enrolVerify: '/api/enrol/verify',
  enrolOptions: '/api/enrol/options',
  enrolFinish: '/api/enrol/finish',
  signInOptions: '/api/auth/options',
  signInVerify: '/api/auth/verify',
  signOut: '/api/auth/signout',
  me: '/api/me',
  walletChallenge: '/api/wallet/challenge',
  walletSync: '/api/wallet/sync',
  trustList: '/.well-known/vneid/trust-list',
  /** The status list's manifest (FORMAT.md §9.2): its parts, each with its URL and version. */
  statusLists: '/.well-known/vneid/status-lists',
  /** Part n of the status list (FORMAT.md §9.1). */
  statusListPart: (part: number) => `/.well-known/vneid/status-list/${part}`,
  devSms: '/api/dev/sms',
} as const;

/** The single-sign-on screens' calls (consent, connected portals, sharing history, a portal's sign-out). */
export const SSO_API = {
  request: (id: string) => `/api/sso/requests/${encodeURIComponent(id)}`,
  decision: (id: string) => `/api/sso/requests/${encodeURIComponent(id)}/decision`,
  consents: '/api/sso/consents',
  consent: (clientId: string) => `/api/sso/consents/${encodeURIComponent(clientId)}`,
  history: '/api/sso/history',
  logout: (id: string) => `/api/sso/logout/${encodeURIComponent(id)}`,
} as const;
