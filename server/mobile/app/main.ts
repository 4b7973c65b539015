/**
 * GPKI Mobile (web app): register this device with MyKad + profile phone + e-mailed code, then
 * hold a live stream open and show each OTP push (what is being signed, the code, a countdown).
 * Framework-free: a handful of screens rebuilt with DOM calls (never innerHTML with server data).
 */
import { browserSupportsWebAuthn, startRegistration } from '@simplewebauthn/browser';

import { formatAmount } from '../../../shared/money.js';

interface OtpPush {
  pushId: string;
  requestId: string;
  subject: string;
  text: string;
  otp: string | null;
  verificationCode: string | null;
  systemName: string | null;
  documents: { id: string; title: string | null; amount: string | null; currency: string | null; payee: string | null }[];
  /** How many documents the request has (a long batch lists only its first ones). */
  documentCount?: number;
  total: string | null;
  expiresInSeconds: number | null;
}

interface DeviceInfo {
  deviceId: string;
  label: string;
  destination: string;
  officer: { nric: string; name: string | null };
}

const SECRET_KEY = 'roamsign.mobile.secret';
const root = document.getElementById('app')!;

let source: EventSource | null = null;
let tick: number | undefined;
/** The request whose OTP is on screen: only its end blanks the screen. */
let shownRequestId: string | null = null;

/** What the phone says when the request it shows ended (the `request-ended` event's outcome). */
const ENDED_TEXT: Record<string, string> = {
  signed: 'Telah digunakan — dokumen ditandatangani',
  cancelled: 'Tidak lagi sah — permintaan dibatalkan',
  superseded: 'Tidak lagi sah — diganti oleh permintaan baharu',
  failed: 'Tidak lagi sah — permintaan gagal',
};
let notice: { kind: 'error' | 'info'; text: string } | null = null;

type Child = Node | string | null | false | undefined;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  for (const child of children) if (child) node.append(child);
  return node;
}

function show(...sections: Child[]): void {
  if (tick !== undefined) window.clearInterval(tick);
  tick = undefined;
  const banner = notice ? el('div', { class: `notice ${notice.kind}`, role: notice.kind === 'error' ? 'alert' : 'status', id: 'notice' }, notice.text) : null;
  root.replaceChildren(...[banner, ...sections].filter((s): s is Node | string => !!s));
}

function say(kind: 'error' | 'info', text: string): void {
  notice = { kind, text };
  const old = document.getElementById('notice');
  const banner = el('div', { class: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status', id: 'notice' }, text);
  if (old) old.replaceWith(banner);
  else root.prepend(banner);
}

class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function api<T>(method: string, path: string, body?: unknown, secret?: string): Promise<T> {
  const headers: Record<string, string> = { 'Accept-Language': 'ms' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (secret) headers['Authorization'] = `Bearer ${secret}`;
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  } catch {
    throw new ApiError('network', 'Tiada sambungan ke pelayan. Cuba lagi.');
  }
  const data = (await res.json().catch(() => ({}))) as { error?: { code: string; message: string; details?: { reason?: unknown } } };
  if (!res.ok) {
    const reason = data.error?.details?.reason;
    // Said plainly, with where to check (the same words whether the MyKad or the phone is wrong).
    if (reason === 'phone_mismatch' || data.error?.code === 'user_not_found') throw new ApiError('phone_mismatch', PHONE_MISMATCH);
    throw new ApiError(data.error?.code ?? 'internal', data.error?.message ?? `Ralat ${res.status}`);
  }
  return data as T;
}

const PHONE_MISMATCH =
  'No. MyKad dan nombor telefon ini tidak sepadan dengan profil MyGPKI anda. Semak nombor telefon bimbit di portal RoamSign (Profil), atau minta pentadbir agensi mengemas kininya, kemudian cuba lagi.';

function guessPlatform(): 'android' | 'ios' | 'web' {
  const ua = navigator.userAgent;
  if (/android/i.test(ua)) return 'android';
  if (/iphone|ipad|ipod/i.test(ua)) return 'ios';
  return 'web';
}

const PLATFORM_LABELS = { android: 'Android', ios: 'iOS', web: 'Pelayar web' } as const;

// ---- registration -------------------------------------------------------------------------

function registerScreen(): void {
  const platform = guessPlatform();
  const form = el(
    'form',
    { id: 'register-form', novalidate: '' },
    el('h2', {}, 'Daftar peranti'),
    el('p', { class: 'hint' }, 'Masukkan No. MyKad dan nombor telefon bimbit yang tercatat dalam profil MyGPKI anda. Kod keselamatan akan dihantar ke e-mel anda.'),
    el('label', { for: 'nric' }, 'No. MyKad'),
    el('input', { id: 'nric', name: 'nric', inputmode: 'numeric', autocomplete: 'off', placeholder: '900101011234', required: '' }),
    el('label', { for: 'phone' }, 'No. telefon bimbit'),
    el('input', { id: 'phone', name: 'phone', type: 'tel', autocomplete: 'tel', placeholder: '012-345 6789', required: '' }),
    el(
      'label',
      { for: 'platform' },
      'Platform',
    ),
    (() => {
      const select = el('select', { id: 'platform', name: 'platform' });
      for (const [value, text] of Object.entries(PLATFORM_LABELS)) select.append(el('option', { value, ...(value === platform ? { selected: '' } : {}) }, text));
      return select;
    })(),
    el('label', { for: 'label' }, 'Nama peranti'),
    el('input', { id: 'label', name: 'label', maxlength: '60', value: `Telefon ${PLATFORM_LABELS[platform]}` }),
    el('button', { type: 'submit', id: 'register-submit' }, 'Hantar kod keselamatan'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const value = (id: string) => (document.getElementById(id) as HTMLInputElement | HTMLSelectElement).value.trim();
    const button = document.getElementById('register-submit') as HTMLButtonElement;
    button.disabled = true;
    try {
      const started = await api<{ challengeId: string; destination: string }>('POST', '/mobile/registrations', {
        nric: value('nric').replace(/[\s-]/g, ''),
        phone: value('phone'),
        platform: value('platform'),
        label: value('label') || `Telefon ${PLATFORM_LABELS[platform]}`,
      });
      notice = null;
      codeScreen(started.challengeId, started.destination);
    } catch (error) {
      say('error', (error as Error).message);
      button.disabled = false;
    }
  });
  show(el('section', {}, form));
}

function codeScreen(challengeId: string, destination: string): void {
  const form = el(
    'form',
    { id: 'code-form', novalidate: '' },
    el('h2', {}, 'Masukkan kod keselamatan'),
    el('p', {}, 'Kod 6 digit telah dihantar ke e-mel ', el('strong', {}, destination), '. Kod sah selama 10 minit.'),
    el('label', { for: 'code' }, 'Kod keselamatan (6 digit, daripada e-mel)'),
    el('input', { id: 'code', name: 'code', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: '6', required: '' }),
    el('button', { type: 'submit', id: 'code-submit' }, 'Sahkan dan aktifkan peranti'),
  );
  const back = el('button', { type: 'button', class: 'secondary' }, 'Kembali');
  back.addEventListener('click', () => {
    notice = null;
    registerScreen();
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = document.getElementById('code-submit') as HTMLButtonElement;
    button.disabled = true;
    try {
      const code = (document.getElementById('code') as HTMLInputElement).value.trim();
      const done = await api<{ deviceId: string; secret: string }>('POST', `/mobile/registrations/${encodeURIComponent(challengeId)}/confirm`, { code });
      localStorage.setItem(SECRET_KEY, done.secret);
      notice = { kind: 'info', text: 'Peranti berjaya didaftarkan. OTP tandatangan anda akan dipaparkan di sini.' };
      activeScreen(done.secret);
    } catch (error) {
      say('error', (error as Error).message);
      button.disabled = false;
    }
  });
  show(el('section', {}, form, back));
}

// ---- active device ------------------------------------------------------------------------

function forget(message: string): void {
  source?.close();
  source = null;
  localStorage.removeItem(SECRET_KEY);
  notice = { kind: 'info', text: message };
  registerScreen();
}

function activeScreen(secret: string): void {
  const status = el('p', { class: 'status', id: 'connection', 'data-state': 'connecting' }, el('span', { class: 'dot' }), el('span', { id: 'connection-text' }, 'Menyambung…'));
  const device = el('p', { id: 'device-info', class: 'hint' });
  const pushArea = el('section', { id: 'push' }, el('h2', {}, 'Menunggu permintaan tandatangan'), el('p', { class: 'hint' }, 'Biarkan aplikasi ini terbuka. OTP akan dipaparkan di sini sebaik sahaja anda menekan Sah / Peraku.'));
  const remove = el('button', { type: 'button', class: 'secondary', id: 'remove' }, 'Buang akaun dari peranti ini');
  remove.addEventListener('click', async () => {
    if (!window.confirm('Buang akaun dari peranti ini? OTP akan dihantar melalui e-mel sehingga anda mendaftar semula.')) return;
    try {
      await api('DELETE', '/mobile/device', undefined, secret);
    } catch (error) {
      // Already inactive on the server: forgetting it here is all that is left to do.
      if ((error as ApiError).code !== 'unauthorized') return say('error', (error as Error).message);
    }
    forget('Akaun telah dibuang dari peranti ini.');
  });
  show(el('section', {}, status, device), pushArea, passkeySection(secret), el('section', {}, remove));
  connect(secret);
}

/** Issue 11: this phone's own platform passkey, to sign with PIN + passkey instead of the OTP. */
function passkeySection(secret: string): Node | null {
  if (!browserSupportsWebAuthn()) return null;
  const button = el('button', { type: 'button', id: 'passkey-add' }, 'Daftar kunci laluan telefon ini');
  button.addEventListener('click', async () => {
    const pin = (document.getElementById('passkey-pin') as HTMLInputElement).value.trim();
    button.setAttribute('disabled', '');
    try {
      const started = await api<{ challengeId: string; options: Parameters<typeof startRegistration>[0]['optionsJSON'] }>('POST', '/mobile/passkeys/options', { pin }, secret);
      const credential = await startRegistration({ optionsJSON: started.options });
      await api('POST', '/mobile/passkeys', { challengeId: started.challengeId, name: '', credential }, secret);
      (document.getElementById('passkey-pin') as HTMLInputElement).value = '';
      say('info', 'Kunci laluan telefon ini telah didaftarkan.');
    } catch (error) {
      say('error', error instanceof ApiError ? error.message : 'Kunci laluan tidak dapat didaftarkan.');
    } finally {
      button.removeAttribute('disabled');
    }
  });
  return el(
    'section',
    { 'aria-labelledby': 'passkey-title' },
    el('h2', { id: 'passkey-title' }, 'Kunci laluan (passkey)'),
    el('p', { class: 'hint' }, 'Tandatangan dengan PIN + kunci laluan telefon ini, tanpa menunggu OTP. Masukkan PIN tandatangan anda dahulu.'),
    el('label', { for: 'passkey-pin' }, 'PIN tandatangan'),
    el('input', { id: 'passkey-pin', type: 'password', inputmode: 'numeric', autocomplete: 'off', maxlength: '12' }),
    button,
  );
}

function setConnection(state: 'connecting' | 'connected' | 'offline', text: string): void {
  const status = document.getElementById('connection');
  if (!status) return;
  status.setAttribute('data-state', state);
  document.getElementById('connection-text')!.textContent = text;
}

function connect(secret: string): void {
  source?.close();
  const es = new EventSource(`/api/v1/mobile/events?token=${encodeURIComponent(secret)}`);
  source = es;
  es.addEventListener('ready', (event) => {
    const info = JSON.parse((event as MessageEvent<string>).data) as DeviceInfo;
    setConnection('connected', 'Bersambung — peranti aktif');
    const device = document.getElementById('device-info');
    if (device) device.textContent = `${info.label} · ${info.destination}${info.officer.name ? ` · ${info.officer.name}` : ''}`;
  });
  es.addEventListener('otp', (event) => {
    const push = JSON.parse((event as MessageEvent<string>).data) as OtpPush;
    showPush(push);
    // The ack tells the server the OTP is on screen; without it the OTP also goes by e-mail.
    api('POST', '/mobile/ack', { pushId: push.pushId }, secret).catch(() => undefined);
  });
  es.addEventListener('request-ended', (event) => {
    const { requestId, outcome } = JSON.parse((event as MessageEvent<string>).data) as { requestId: string; outcome: string };
    if (requestId === shownRequestId) blankOtp(ENDED_TEXT[outcome] ?? ENDED_TEXT['failed']!);
  });
  es.addEventListener('deactivated', (event) => {
    const { reason } = JSON.parse((event as MessageEvent<string>).data) as { reason: string };
    forget(
      reason === 'replaced'
        ? 'Peranti ini telah dinyahaktifkan kerana peranti lain didaftarkan untuk akaun anda. OTP kini dihantar ke peranti baharu itu.'
        : 'Peranti ini telah dinyahaktifkan.',
    );
  });
  es.addEventListener('error', () => {
    if (source !== es) return;
    if (es.readyState === EventSource.CONNECTING) return setConnection('connecting', 'Menyambung semula…');
    // Closed for good (the server refused the stream): find out whether the device is still active.
    setConnection('offline', 'Tiada sambungan');
    api('GET', '/mobile/device', undefined, secret)
      .then(() => window.setTimeout(() => source === es && connect(secret), 5000))
      .catch((error: ApiError) => {
        if (error.code === 'unauthorized') forget('Peranti ini tidak lagi aktif. Daftar semula untuk menerima OTP.');
        else window.setTimeout(() => source === es && connect(secret), 5000);
      });
  });
}

/** A used, dead or expired OTP does not stay on screen to be typed by mistake. */
function blankOtp(reason: string): void {
  if (tick !== undefined) window.clearInterval(tick);
  tick = undefined;
  shownRequestId = null;
  document.getElementById('push')?.classList.add('expired');
  const otp = document.getElementById('otp');
  if (otp) {
    otp.textContent = '— — —';
    otp.setAttribute('aria-label', `OTP: ${reason}`);
  }
  const countdown = document.getElementById('countdown');
  if (countdown) countdown.textContent = reason;
}

function showPush(push: OtpPush): void {
  const area = document.getElementById('push');
  if (!area) return;
  if (tick !== undefined) window.clearInterval(tick);
  shownRequestId = push.requestId;
  // The OTP is what matters now: drop a leftover "registered" banner.
  if (notice?.kind === 'info') {
    notice = null;
    document.getElementById('notice')?.remove();
  }
  const deadline = Date.now() + (push.expiresInSeconds ?? 120) * 1000;
  const countdown = el('p', { class: 'countdown', id: 'countdown', role: 'timer' });
  const docs = el('ul', { class: 'docs', id: 'documents' });
  for (const d of push.documents.slice(0, 10)) {
    docs.append(
      el(
        'li',
        {},
        el('strong', {}, d.id),
        d.title ? ` — ${d.title}` : '',
        d.amount ? el('span', {}, ', ', el('span', { class: 'amount' }, formatAmount(d.amount, d.currency ?? undefined))) : '',
        d.payee ? `, ${d.payee}` : '',
      ),
    );
  }
  const count = push.documentCount ?? push.documents.length;
  if (count > 10) docs.append(el('li', {}, `(+${count - 10} lagi)`));
  area.replaceChildren(
    el('h2', {}, `Permintaan tandatangan${push.systemName ? ` — ${push.systemName}` : ''}`),
    count > 1 ? el('p', {}, `${count} dokumen${push.total ? `, jumlah ${push.total}` : ''}`) : '',
    push.documents.length ? docs : el('pre', {}, push.text),
    push.verificationCode
      ? el('p', { class: 'vcode' }, 'Kod pengesahan (mesti sama dengan kod pada skrin tandatangan): ', el('strong', { id: 'verification-code' }, push.verificationCode))
      : '',
    el('p', { class: 'hint', style: 'text-align:center;margin:1rem 0 0' }, 'Kod OTP anda'),
    el('p', { class: 'otp', id: 'otp', 'aria-label': `OTP ${(push.otp ?? '').split('').join(' ')}` }, push.otp ?? '—'),
    countdown,
    el('p', { class: 'hint' }, 'Jangan kongsi kod ini dengan sesiapa. Jika anda tidak meminta tandatangan ini, abaikan.'),
  );
  area.classList.remove('expired');
  const update = () => {
    const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    if (left > 0) countdown.textContent = `Sah selama ${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
    else blankOtp('Tamat tempoh');
  };
  update();
  tick = window.setInterval(update, 1000);
  if (navigator.vibrate) navigator.vibrate(200);
}

// ---- start --------------------------------------------------------------------------------

if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('/mobile/sw.js', { scope: '/mobile' }).catch(() => undefined);
}

const saved = localStorage.getItem(SECRET_KEY);
if (saved) activeScreen(saved);
else registerScreen();
