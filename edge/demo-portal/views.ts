/** The demo portal's pages: server-rendered, Vietnamese, no inline script or style. */
import { html } from 'hono/html';
import { htmlPage, type Html } from '../http/html';
import { DEMO_PORTAL } from './client';

/** What the portal keeps about a signed-in visitor (in its signed cookie). */
export interface PortalSession {
  /** UserInfo claims as received. */
  claims: Record<string, unknown>;
  idToken: {
    iss: string;
    sub: string;
    acr?: string;
    amr?: string[];
    authTime?: number;
    raw: string;
  };
  signedInAt: number;
}

const CLAIM_LABELS: Record<string, string> = {
  name: 'Họ và tên',
  birthdate: 'Ngày sinh',
  gender: 'Giới tính',
  phone_number: 'Số điện thoại',
  phone_number_verified: 'Số điện thoại đã xác thực',
  vn_id_number: 'Số định danh cá nhân',
  sub: 'Mã định danh tại cổng này (sub)',
};

const LEVELS: Record<string, string> = {
  'urn:vneid:loa:1': 'Mức 1',
  'urn:vneid:loa:2': 'Mức 2',
};

function shell(title: string, body: Html): Html {
  return htmlPage({
    title: `${title} · ${DEMO_PORTAL.name}`,
    stylesheet: '/portal/portal.css',
    body: html`<header class="bar"><div class="wrap"><span class="star" aria-hidden="true">★</span> <span class="brand">${DEMO_PORTAL.name}</span></div></header>
<main class="wrap">${body}</main>
<footer class="wrap foot"><p>Cổng minh hoạ, chạy cùng máy chủ định danh. Nó đăng nhập như mọi cổng dịch vụ khác: bằng OpenID Connect (thư viện <code>openid-client</code>), mã xác thực + PKCE.</p></footer>`,
  });
}

function value(name: string, v: unknown): string {
  if (name === 'gender') return v === 'female' ? 'Nữ' : v === 'male' ? 'Nam' : String(v);
  if (typeof v === 'boolean') return v ? 'Có' : 'Không';
  if (name === 'birthdate' && typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) {
    const [y, m, d] = v.split('-');
    return `${d}/${m}/${y}`;
  }
  return String(v);
}

export function landingPage(notice: { kind: 'info' | 'error'; text: string } | null): Html {
  return shell(
    'Đăng nhập',
    html`<h1>Dịch vụ công trực tuyến</h1>
<p class="lead">Đăng nhập một lần bằng tài khoản định danh điện tử để nộp hồ sơ, tra cứu kết quả và thanh toán trực tuyến.</p>
${notice ? html`<p class="notice ${notice.kind}" role="${notice.kind === 'error' ? 'alert' : 'status'}">${notice.text}</p>` : ''}
<form method="post" action="/portal/login">
<button class="primary" type="submit">Đăng nhập bằng tài khoản định danh điện tử</button>
</form>
<form method="post" action="/portal/login">
<input type="hidden" name="level" value="2">
<button class="secondary" type="submit">Đăng nhập vào dịch vụ yêu cầu tài khoản mức 2</button>
</form>`,
  );
}

export function signedInPage(s: PortalSession): Html {
  const name = typeof s.claims.name === 'string' ? s.claims.name : null;
  const rows = Object.entries(s.claims).filter(([k]) => k !== 'sub');
  return shell(
    'Đã đăng nhập',
    html`<h1>Xin chào${name ? html`, <span data-claim="name">${name}</span>` : ''}</h1>
<p class="lead">Bạn đã đăng nhập bằng tài khoản định danh điện tử.</p>
<section aria-labelledby="claims-h">
<h2 id="claims-h">Thông tin cổng nhận được</h2>
<dl class="facts">
${rows.map(([k, v]) => html`<div><dt>${CLAIM_LABELS[k] ?? k} <code>${k}</code></dt><dd data-claim="${k}">${value(k, v)}</dd></div>`)}
</dl>
</section>
<section aria-labelledby="token-h">
<h2 id="token-h">Mã thông báo định danh (ID token), đã kiểm tra chữ ký</h2>
<dl class="facts">
<div><dt>Mức tài khoản <code>acr</code></dt><dd data-claim="acr">${s.idToken.acr ? `${LEVELS[s.idToken.acr] ?? ''} (${s.idToken.acr})` : '—'}</dd></div>
<div><dt>Cách xác thực <code>amr</code></dt><dd data-claim="amr">${(s.idToken.amr ?? []).join(', ') || '—'}</dd></div>
<div><dt>${CLAIM_LABELS.sub} <code>sub</code></dt><dd data-claim="sub"><code>${s.idToken.sub}</code></dd></div>
<div><dt>Thời điểm xác thực <code>auth_time</code></dt><dd>${s.idToken.authTime ? new Date(s.idToken.authTime * 1000).toISOString().replace('T', ' ').slice(0, 19) + ' UTC' : '—'}</dd></div>
<div><dt>Nơi cấp <code>iss</code></dt><dd><code>${s.idToken.iss}</code></dd></div>
</dl>
</section>
<form method="post" action="/portal/logout"><button class="secondary" type="submit">Đăng xuất</button></form>`,
  );
}

/** What the portal tells a visitor when the provider sent back an error instead of a code. */
export function providerErrorText(error: string): string {
  switch (error) {
    case 'access_denied':
      return 'Bạn đã không đồng ý chia sẻ thông tin với cổng dịch vụ, nên chưa đăng nhập.';
    case 'unmet_authentication_requirements':
      return 'Dịch vụ này yêu cầu tài khoản định danh điện tử mức 2. Tài khoản của bạn đang ở mức 1: hãy đến cơ quan công an nơi cư trú, mang thẻ căn cước gắn chip, để nâng lên mức 2.';
    case 'login_required':
      return 'Bạn cần đăng nhập bằng tài khoản định danh điện tử.';
    default:
      return 'Không đăng nhập được. Vui lòng thử lại.';
  }
}

export const PORTAL_CSS = `
:root { color-scheme: light; --red: #c8102e; --red-dark: #9b0c23; --gold: #ffcd00; --ink: #1d1d1f; --muted: #5d5d63; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #f4f1ec; }
.wrap { max-width: 46rem; margin: 0 auto; padding: 0 1.25rem; }
.bar { background: var(--red); color: #fff; padding: .875rem 0; }
.bar .wrap { display: flex; align-items: center; gap: .5rem; font-weight: 600; }
.star { color: var(--gold); font-size: 1.25rem; }
main.wrap { padding-top: 1.5rem; padding-bottom: 1.5rem; }
h1 { font-size: 1.5rem; line-height: 1.3; margin: 0 0 .5rem; }
h2 { font-size: 1.0625rem; margin: 1.5rem 0 .5rem; }
.lead { color: var(--muted); margin: 0 0 1.25rem; }
form { margin: 0 0 .75rem; }
button { font: inherit; font-weight: 600; border-radius: 10px; padding: .875rem 1rem; width: 100%; min-height: 48px; cursor: pointer; }
button.primary { background: var(--red); color: #fff; border: 0; }
button.primary:hover, button.primary:focus-visible { background: var(--red-dark); }
button.secondary { background: #fff; color: var(--red-dark); border: 2px solid var(--red); }
button:focus-visible { outline: 3px solid var(--gold); outline-offset: 2px; }
.notice { padding: .75rem 1rem; border-radius: 10px; background: #fff; border-left: 4px solid #2e7d32; }
.notice.error { border-left-color: var(--red); }
.facts { background: #fff; border-radius: 12px; padding: .25rem 1rem; margin: 0 0 1rem; box-shadow: 0 1px 2px rgb(0 0 0 / 10%); }
.facts div { padding: .625rem 0; border-bottom: 1px solid #eee; }
.facts div:last-child { border-bottom: 0; }
dt { color: var(--muted); font-size: .875rem; }
dt code { font-size: .75rem; }
dd { margin: .125rem 0 0; font-weight: 600; overflow-wrap: anywhere; }
.foot { color: var(--muted); font-size: .8125rem; padding-bottom: 2rem; }
`;
