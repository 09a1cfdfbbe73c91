import { DEFAULT_PROFILE_ID } from './PasskeyProfiles.tsx';
import type { IncludeTarget, PasskeyProfile } from './types.ts';

/** Under a Fido2 include target: which passkey profiles it grants (none checked means the Default profile). */
export function TargetProfiles({
  target,
  profiles,
  name,
  onChange,
}: {
  target: IncludeTarget;
  profiles: PasskeyProfile[];
  name: string;
  onChange(next: IncludeTarget): void;
}) {
  const allowed = target.allowedPasskeyProfiles ?? [];
  return (
    <div
      role="group"
      aria-label={`Passkey profiles for ${name}`}
      style={{ flexBasis: '100%', display: 'flex', gap: 14, flexWrap: 'wrap', alignItems: 'center' }}
    >
      <span className="muted small">Profiles:</span>
      {profiles.map((p) => (
        <label key={p.id} className="checkbox small">
          <input
            type="checkbox"
            checked={allowed.includes(p.id)}
            onChange={(e) =>
              onChange({ ...target, allowedPasskeyProfiles: e.target.checked ? [...allowed, p.id] : allowed.filter((x) => x !== p.id) })
            }
          />{' '}
          {p.name}
        </label>
      ))}
      {allowed.length === 0 && profiles.some((p) => p.id === DEFAULT_PROFILE_ID) ? (
        <span className="muted small">(none checked: Default)</span>
      ) : null}
    </div>
  );
}
