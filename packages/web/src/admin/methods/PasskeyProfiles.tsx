import { Switch } from '../../components/Switch.tsx';
import { TextField } from '../../components/TextField.tsx';
import { AaguidList } from './AaguidList.tsx';
import type { Fido2Configuration, PasskeyProfile } from './types.ts';

/** The Default profile's fixed id (entra-spec §4.2); an include target with no profiles gets it. */
export const DEFAULT_PROFILE_ID = '00000000-0000-0000-0000-000000000001';
const MAX_PROFILES = 3;
const TYPES = { deviceBound: 'Device-bound only', synced: 'Synced only', 'deviceBound,synced': 'Device-bound and synced' } as const;

/**
 * Passkey profiles (at most 3, the Default included): name, passkey types, attestation and key
 * restrictions per profile. Include targets pick their profiles in the targets list. The server
 * checks the rules (synced passkeys cannot be attested, a referenced profile cannot be removed).
 */
export function PasskeyProfiles({ value, onChange }: { value: Fido2Configuration; onChange(next: Fido2Configuration): void }) {
  const profiles = value.passkeyProfiles;
  const set = (next: PasskeyProfile[]) => onChange({ ...value, passkeyProfiles: next });
  const update = (i: number, patch: Partial<PasskeyProfile>) => set(profiles.map((p, j) => (j === i ? { ...p, ...patch } : p)));
  // The Default profile starts as the global settings (nothing changes for anyone); others start open.
  const fresh = (id: string, name: string, fromGlobal: boolean): PasskeyProfile => ({
    id,
    name,
    passkeyTypes: 'deviceBound',
    attestationEnforcement: fromGlobal && value.isAttestationEnforced ? 'registrationOnly' : 'disabled',
    keyRestrictions: fromGlobal
      ? { ...value.keyRestrictions, aaGuids: [...value.keyRestrictions.aaGuids] }
      : { isEnforced: false, enforcementType: 'allow', aaGuids: [] },
  });

  if (profiles.length === 0) {
    return (
      <div className="panel-section">
        <p className="muted" style={{ marginTop: 0 }}>
          No passkey profiles: the settings above apply to everyone included. Profiles let groups have different rules (for example synced
          passkeys for most people, attested device-bound keys for administrators).
        </p>
        <button
          type="button"
          className="btn btn-secondary btn-small"
          onClick={() => set([fresh(DEFAULT_PROFILE_ID, 'Default passkey profile', true)])}
        >
          Use passkey profiles
        </button>
      </div>
    );
  }
  return (
    <>
      {profiles.map((p, i) => (
        <fieldset key={p.id} className="panel-section" style={{ border: 'none' }} aria-label={`Passkey profile ${p.name}`}>
          <div className="methods-fields">
            <TextField label="Profile name" value={p.name} onChange={(name) => update(i, { name })} maxLength={128} />
            <div className="form-row">
              <label className="label" htmlFor={`types-${p.id}`}>
                Passkey types
              </label>
              <select
                id={`types-${p.id}`}
                className="input"
                value={p.passkeyTypes}
                onChange={(e) => update(i, { passkeyTypes: e.target.value as PasskeyProfile['passkeyTypes'] })}
              >
                {Object.entries(TYPES).map(([k, label]) => (
                  <option key={k} value={k}>
                    {label}
                  </option>
                ))}
              </select>
            </div>
            <div className="form-row">
              <label className="label" htmlFor={`att-${p.id}`}>
                Attestation
              </label>
              <select
                id={`att-${p.id}`}
                className="input"
                value={p.attestationEnforcement}
                onChange={(e) => update(i, { attestationEnforcement: e.target.value as PasskeyProfile['attestationEnforcement'] })}
              >
                <option value="registrationOnly">Enforced at registration</option>
                <option value="disabled">Not enforced</option>
              </select>
            </div>
          </div>
          <Switch
            label={`Enforce key restrictions in ${p.name}`}
            checked={p.keyRestrictions.isEnforced}
            onChange={(isEnforced) => update(i, { keyRestrictions: { ...p.keyRestrictions, isEnforced } })}
          />
          <div className="form-row" style={{ marginTop: 10 }}>
            <label className="label" htmlFor={`kr-${p.id}`}>
              Listed authenticators are
            </label>
            <select
              id={`kr-${p.id}`}
              className="input"
              style={{ maxWidth: 320 }}
              value={p.keyRestrictions.enforcementType}
              onChange={(e) =>
                update(i, { keyRestrictions: { ...p.keyRestrictions, enforcementType: e.target.value as 'allow' | 'block' } })
              }
            >
              <option value="allow">Allowed (all others refused)</option>
              <option value="block">Blocked (all others allowed)</option>
            </select>
          </div>
          <AaguidList
            label={`AAGUIDs of ${p.name}`}
            value={p.keyRestrictions.aaGuids}
            onChange={(aaGuids) => update(i, { keyRestrictions: { ...p.keyRestrictions, aaGuids } })}
          />
          <div className="button-row" style={{ marginTop: 8 }}>
            {p.id === DEFAULT_PROFILE_ID ? (
              <span className="muted small">The Default profile applies to include targets that name no profile.</span>
            ) : (
              <button type="button" className="btn btn-danger-outline btn-small" onClick={() => set(profiles.filter((_, j) => j !== i))}>
                Remove {p.name}
              </button>
            )}
          </div>
        </fieldset>
      ))}
      <div className="button-row" style={{ justifyContent: 'flex-start' }}>
        <button
          type="button"
          className="btn btn-secondary btn-small"
          disabled={profiles.length >= MAX_PROFILES}
          onClick={() => set([...profiles, fresh(crypto.randomUUID(), `Profile ${profiles.length + 1}`, false)])}
        >
          Add profile
        </button>
        <button
          type="button"
          className="btn btn-secondary btn-small"
          onClick={() =>
            onChange({
              ...value,
              passkeyProfiles: [],
              includeTargets: value.includeTargets.map((t) => ({ ...t, allowedPasskeyProfiles: [] })),
            })
          }
        >
          Stop using profiles
        </button>
        {profiles.length >= MAX_PROFILES ? <span className="muted small">At most {MAX_PROFILES} profiles.</span> : null}
      </div>
    </>
  );
}
