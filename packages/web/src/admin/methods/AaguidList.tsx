import { useId, useState } from 'react';
import { useResource } from '../../components/useResource.ts';
import { useRawApi } from './methodsApi.ts';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Model names from the imported FIDO metadata for these AAGUIDs (absent when no BLOB lists one). */
export function useAuthenticatorNames(aaguids: string[]): Record<string, string> {
  const raw = useRawApi();
  const key = [...new Set(aaguids.map((a) => a.toLowerCase()))].sort().join(',');
  const names = useResource(key ? `aaguid-names:${key}` : null, async (signal) => {
    const r = await raw.get<{ value: Array<{ aaguid: string; description: string }> }>(`/passkeys/metadata/entries?aaguids=${key}`, signal);
    return Object.fromEntries(r.value.map((e) => [e.aaguid, e.description]));
  });
  return names.data ?? {};
}

/** An editable AAGUID list; each AAGUID shows the authenticator's name when the imported metadata knows it. */
export function AaguidList({
  label,
  value,
  onChange,
  disabled = false,
}: {
  label: string;
  value: string[];
  onChange(next: string[]): void;
  disabled?: boolean;
}) {
  const id = useId();
  const [draft, setDraft] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const names = useAuthenticatorNames(value);

  const add = () => {
    const v = draft.trim().toLowerCase();
    if (!GUID.test(v)) return setProblem('An AAGUID is a GUID such as cb69481e-8ff7-4039-93ec-0a2729a154a8.');
    if (value.includes(v)) return setProblem('That AAGUID is already listed.');
    onChange([...value, v]);
    setDraft('');
    setProblem(null);
  };

  return (
    <div>
      <ul className="object-list" aria-label={label}>
        {value.length === 0 ? <li className="muted">No AAGUIDs.</li> : null}
        {value.map((a) => (
          <li key={a}>
            <code>{a}</code>
            {names[a] ? <span>{names[a]}</span> : <span className="muted small">not in the imported metadata</span>}
            <button
              type="button"
              className="btn btn-secondary btn-small"
              style={{ marginLeft: 'auto' }}
              disabled={disabled}
              aria-label={`Remove ${a}`}
              onClick={() => onChange(value.filter((x) => x !== a))}
            >
              Remove
            </button>
          </li>
        ))}
      </ul>
      {disabled ? null : (
        <div className="form-row" style={{ marginTop: 8 }}>
          <label htmlFor={id} className="label">
            Add AAGUID
          </label>
          <div style={{ display: 'flex', gap: 8 }}>
            <input
              id={id}
              className="input mono"
              style={{ maxWidth: 380 }}
              placeholder="00000000-0000-0000-0000-000000000000"
              value={draft}
              aria-invalid={problem ? true : undefined}
              onChange={(e) => setDraft(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  e.preventDefault();
                  add();
                }
              }}
            />
            <button type="button" className="btn btn-secondary" onClick={add}>
              Add
            </button>
          </div>
          {problem ? <p className="field-error">{problem}</p> : null}
        </div>
      )}
    </div>
  );
}
