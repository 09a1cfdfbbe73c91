import { Switch } from '../../components/Switch.tsx';
import { AaguidList } from './AaguidList.tsx';
import { PasskeyProfiles } from './PasskeyProfiles.tsx';
import type { Fido2Configuration, KeyRestrictions } from './types.ts';

/** Passkey settings: self-service registration, attestation enforcement, key restrictions (allow/block AAGUIDs), passkey profiles. */
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
        <p className="hint" style={{ margin: '0 0 10px' }}>
          These settings apply to every passkey, on top of the restrictions of any passkey profile below.
        </p>
        <Switch label="Enforce key restrictions" checked={kr.isEnforced} onChange={(v) => setKr({ isEnforced: v })} />
        <fieldset style={{ border: 'none', padding: 0, margin: '12px 0' }}>
          <legend className="label">Listed authenticators are</legend>
          <label className="checkbox" style={{ marginRight: 16 }}>
            <input
              type="radio"
              name="enforcementType"
              checked={kr.enforcementType === 'allow'}
              onChange={() => setKr({ enforcementType: 'allow' })}
            />{' '}
            Allowed (all others refused)
          </label>
          <label className="checkbox">
            <input
              type="radio"
              name="enforcementType"
              checked={kr.enforcementType === 'block'}
              onChange={() => setKr({ enforcementType: 'block' })}
            />{' '}
            Blocked (all others allowed)
          </label>
        </fieldset>
        <AaguidList label="Key restriction AAGUIDs" value={kr.aaGuids} onChange={(aaGuids) => setKr({ aaGuids })} />
        {!kr.isEnforced && kr.aaGuids.length ? (
          <p className="hint">The list is kept but not enforced until you turn enforcement on.</p>
        ) : null}
      </div>
      <h3 className="section-title">Passkey profiles</h3>
      <PasskeyProfiles value={value} onChange={onChange} />
    </>
  );
}
