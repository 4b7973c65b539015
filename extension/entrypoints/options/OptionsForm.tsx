import { useState } from 'preact/hooks';
import type { Reply } from '../../lib/messages.js';
import type { EffectiveSettings, PartialSettings, SettingKey } from '../../lib/settings.js';
import { validateSettings } from '../../lib/settingsSchema.js';
import { STRINGS } from '../../lib/strings.js';

export interface OptionsDeps {
  initial: EffectiveSettings;
  /** What the officer saved before (only local values are edited). */
  local: PartialSettings;
  /** Ids of the systems set by policy. */
  managedIds: string[];
  save(settings: PartialSettings): Promise<void>;
  testConnection(serverUrl: string): Promise<Reply<{ serverUrl: string; version?: string }>>;
}

/** Server address, language and site rules; values set by policy are shown locked. */
export function OptionsForm(props: OptionsDeps) {
  const { initial } = props;
  const isLocked = (key: SettingKey) => initial.locked.includes(key);
  const [serverUrl, setServerUrl] = useState(initial.settings.serverUrl);
  const [lang, setLang] = useState(initial.settings.lang);
  // The officer edits only the systems saved here; policy's are shown, locked. Built-in systems apply unless a system with their id replaces them.
  const [systems, setSystems] = useState(JSON.stringify(isLocked('systems') ? initial.settings.systems.filter((s) => props.managedIds.includes(s.id)) : (props.local.systems ?? []), null, 2));
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const s = STRINGS[lang];

  async function test() {
    const reply = await props.testConnection(serverUrl.trim());
    setStatus(reply.ok ? { ok: true, text: `${s.connected} (${reply.value.serverUrl}, v${reply.value.version ?? '?'})` } : { ok: false, text: `${s.notConnected}: ${reply.message}` });
  }

  async function save(event: Event) {
    event.preventDefault();
    let parsedSystems: unknown;
    try {
      parsedSystems = JSON.parse(systems);
    } catch (e) {
      setStatus({ ok: false, text: `${s.invalid}: systems: ${(e as Error).message}` });
      return;
    }
    const candidate: Record<string, unknown> = { ...props.local };
    if (!isLocked('serverUrl')) candidate.serverUrl = serverUrl.trim();
    if (!isLocked('lang')) candidate.lang = lang;
    if (!isLocked('systems')) candidate.systems = parsedSystems;
    const result = validateSettings(candidate);
    if (!result.ok) {
      setStatus({ ok: false, text: `${s.invalid}: ${result.errors.join('; ')}` });
      return;
    }
    await props.save(result.value);
    setStatus({ ok: true, text: s.saved });
  }

  const lockNote = (key: SettingKey) => (isLocked(key) ? <p class="locked" id={`locked-${key}`}>🔒 {s.locked}</p> : null);

  return (
    <form onSubmit={save}>
      <h1>{s.optionsTitle}</h1>
      <label for="serverUrl">{s.serverUrl}</label>
      <input id="serverUrl" type="url" value={serverUrl} disabled={isLocked('serverUrl')} onInput={(e) => setServerUrl((e.currentTarget as HTMLInputElement).value)} aria-describedby="serverHelp" />
      <p id="serverHelp" class="help">{s.serverHelp}</p>
      {lockNote('serverUrl')}
      <label for="lang">{s.language}</label>
      <select id="lang" value={lang} disabled={isLocked('lang')} onChange={(e) => setLang((e.currentTarget as HTMLSelectElement).value as 'ms' | 'en')}>
        <option value="ms">Bahasa Malaysia</option>
        <option value="en">English</option>
      </select>
      {lockNote('lang')}
      <label for="systems">{s.rules}</label>
      <textarea id="systems" rows={18} value={systems} disabled={isLocked('systems')} onInput={(e) => setSystems((e.currentTarget as HTMLTextAreaElement).value)} aria-describedby="rulesHelp" spellcheck={false} />
      <p id="rulesHelp" class="help">{s.rulesHelp} {initial.settings.systems.map((x) => x.id).join(', ')}</p>
      {lockNote('systems')}
      <div class="actions">
        <button type="button" id="test" onClick={test}>
          {s.test}
        </button>
        <button type="submit" id="save" class="primary">
          {s.save}
        </button>
      </div>
      <p id="status" role="status" class={status ? (status.ok ? 'ok' : 'bad') : ''}>
        {status?.text ?? ''}
      </p>
    </form>
  );
}
