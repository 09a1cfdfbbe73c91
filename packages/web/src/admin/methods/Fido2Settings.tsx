import { Switch } from '../../components/Switch.tsx';
import { AaguidList } from './AaguidList.tsx';
import type { Fido2Configuration, KeyRestrictions } from './types.ts';

const TYPES = { deviceBound: 'Device-bound', synced: 'Synced', 'deviceBound,synced': 'Device-bound and synced' } as const;

/** Passkey settings: self-service registration, attestation enforcement, key restrictions (allow/block AAGUIDs), profiles (read-only). */
export function Fido2Settings({ value, onChange }: { value: Fido2Configuration; onChange(next: Fido2Configuration): void }) {
  const kr = value.keyRestrictions;
  const setKr = (patch: Partial<KeyRestrictions>) => onChange({ ...value, keyRestrictions: { ...kr, ...patch } });
  return (
    <>
      <h3 className="section-title">Passkey settings</h3>
      <div className="panel-section" style={{ display: 'grid', gap: 12 }}>
        <Switch
          label="Allow self-service registration (users add passkeys in My Security Info)"
          checked={value.isSelfServiceRegistrationAllowed}
          onChange={(v) => onChange({ ...value, isSelfServiceRegistrationAllowed: v })}
        />
        <Switch
          label="Enforce attestation (only passkeys whose attestation chains to a trusted root)"
          checked={value.isAttestationEnforced}
          onChange={(v) => onChange({ ...value, isAttestationEnforced: v })}
        />
      </div>
      <h3 className="section-title">Key restrictions</h3>
      <div className="panel-section">
        <Switch label="Enforce key restrictions" checked={kr.isEnforced} onChange={(v) => setKr({ isEnforced: v })} />
        <fieldset style={{ border: 'none', padding: 0, margin: '12px 0' }}>
          <legend className="label">Listed authenticators are</legend>
          <label className="checkbox" style={{ marginRight: 16 }}>
            <input type="radio" name="enforcementType" checked={kr.enforcementType === 'allow'} onChange={() => setKr({ enforcementType: 'allow' })} />{' '}
            Allowed (all others refused)
          </label>
          <label className="checkbox">
            <input type="radio" name="enforcementType" checked={kr.enforcementType === 'block'} onChange={() => setKr({ enforcementType: 'block' })} />{' '}
            Blocked (all others allowed)
          </label>
        </fieldset>
        <AaguidList label="Key restriction AAGUIDs" value={kr.aaGuids} onChange={(aaGuids) => setKr({ aaGuids })} />
        {!kr.isEnforced && kr.aaGuids.length ? <p className="hint">The list is kept but not enforced until you turn enforcement on.</p> : null}
      </div>
      <h3 className="section-title">Passkey profiles</h3>
      {value.passkeyProfiles.length === 0 ? (
        <p className="muted">
          No passkey profiles: the settings above apply to everyone included. Profiles are edited through the API (<code>passkeyProfiles</code>).
        </p>
      ) : (
        <table className="table table-compact" aria-label="Passkey profiles">
          <thead>
            <tr>
              <th scope="col">Profile</th>
              <th scope="col">Passkey types</th>
              <th scope="col">Attestation</th>
              <th scope="col">Key restrictions</th>
            </tr>
          </thead>
          <tbody>
            {value.passkeyProfiles.map((p) => (
              <tr key={p.id}>
                <td>{p.name}</td>
                <td>{TYPES[p.passkeyTypes]}</td>
                <td>{p.attestationEnforcement === 'registrationOnly' ? 'Enforced at registration' : 'Not enforced'}</td>
                <td>
                  {p.keyRestrictions.isEnforced
                    ? `${p.keyRestrictions.enforcementType === 'allow' ? 'Allow' : 'Block'} ${p.keyRestrictions.aaGuids.length} AAGUID(s)`
                    : 'None'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
