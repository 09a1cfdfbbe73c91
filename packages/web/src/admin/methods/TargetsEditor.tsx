import { useState, type ReactNode } from 'react';
import { useApi } from '../../auth/AuthContext.tsx';
import { directory } from '../../api/directory.ts';
import { useResource } from '../../components/useResource.ts';
import { GroupPicker } from './GroupPicker.tsx';
import { ALL_USERS, type ExcludeTarget, type IncludeTarget } from './types.ts';

/** Display names of targets (groups or users, asked by their type); ids that no longer exist stay as ids. */
function useTargetNames(targets: ExcludeTarget[]): Record<string, string> {
  const api = useApi();
  const unique = [...new Map(targets.filter((t) => t.id !== ALL_USERS).map((t) => [`${t.targetType}:${t.id}`, t])).values()];
  const key = unique
    .map((t) => `${t.targetType}:${t.id}`)
    .sort()
    .join(',');
  const names = useResource(key ? `target-names:${key}` : null, async (signal) => {
    const pairs = await Promise.all(
      unique.map(async (t) => {
        const o = await (t.targetType === 'group' ? directory.getGroup(api, t.id, signal) : directory.getUser(api, t.id, signal)).catch(
          () => null,
        );
        return [t.id, o ? (o.displayName ?? t.id) : `${t.id} (deleted)`] as const;
      }),
    );
    return Object.fromEntries(pairs);
  });
  return { [ALL_USERS]: 'All users', ...(names.data ?? {}) };
}

interface Props {
  include: IncludeTarget[];
  exclude: ExcludeTarget[];
  onChange(include: IncludeTarget[], exclude: ExcludeTarget[]): void;
  disabled?: boolean;
  /** More settings under an include target (Fido2: its passkey profiles). */
  includeExtra?: (target: IncludeTarget, change: (next: IncludeTarget) => void, name: string) => ReactNode;
}

/** Include and exclude targets of a method: groups by name (or All users), registration required per include. Exclude wins. */
export function TargetsEditor({ include, exclude, onChange, disabled = false, includeExtra }: Props) {
  const [picked, setPicked] = useState<Record<string, string>>({});
  const names = { ...picked, ...useTargetNames([...include, ...exclude]) };
  const nameOf = (id: string) => names[id] ?? picked[id] ?? id;
  const remember = (id: string, name: string) => setPicked((p) => ({ ...p, [id]: name }));

  return (
    <div className="methods-columns">
      <div>
        <h3 className="section-title">Include</h3>
        <ul className="object-list" aria-label="Included targets">
          {include.length === 0 ? <li className="muted">Nobody: the method is on but targets no one.</li> : null}
          {include.map((t, i) => (
            <li key={t.id}>
              <span>
                <strong>{nameOf(t.id)}</strong> <span className="muted small">{t.id === ALL_USERS ? '' : t.targetType}</span>
              </span>
              <label className="checkbox small" style={{ marginLeft: 'auto' }}>
                <input
                  type="checkbox"
                  checked={t.isRegistrationRequired}
                  disabled={disabled}
                  onChange={(e) =>
                    onChange(
                      include.map((x, j) => (j === i ? { ...x, isRegistrationRequired: e.target.checked } : x)),
                      exclude,
                    )
                  }
                />{' '}
                Registration required
              </label>
              <button
                type="button"
                className="btn btn-secondary btn-small"
                disabled={disabled}
                aria-label={`Remove ${nameOf(t.id)} from included`}
                onClick={() =>
                  onChange(
                    include.filter((_, j) => j !== i),
                    exclude,
                  )
                }
              >
                Remove
              </button>
              {includeExtra
                ? includeExtra(
                    t,
                    (next) =>
                      onChange(
                        include.map((x, j) => (j === i ? next : x)),
                        exclude,
                      ),
                    nameOf(t.id),
                  )
                : null}
            </li>
          ))}
        </ul>
        {disabled ? null : (
          <GroupPicker
            label="Add a group to include"
            allowAllUsers
            exclude={include.map((t) => t.id)}
            onPick={(id, name) => {
              remember(id, name);
              onChange([...include, { targetType: 'group', id, isRegistrationRequired: false }], exclude);
            }}
          />
        )}
      </div>
      <div>
        <h3 className="section-title">Exclude</h3>
        <ul className="object-list" aria-label="Excluded targets">
          {exclude.length === 0 ? <li className="muted">No exclusions.</li> : null}
          {exclude.map((t, i) => (
            <li key={t.id}>
              <span>
                <strong>{nameOf(t.id)}</strong> <span className="muted small">{t.targetType}</span>
              </span>
              <button
                type="button"
                className="btn btn-secondary btn-small"
                style={{ marginLeft: 'auto' }}
                disabled={disabled}
                aria-label={`Remove ${nameOf(t.id)} from excluded`}
                onClick={() =>
                  onChange(
                    include,
                    exclude.filter((_, j) => j !== i),
                  )
                }
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
        {disabled ? null : (
          <GroupPicker
            label="Add a group to exclude"
            allowAllUsers={false}
            exclude={exclude.map((t) => t.id)}
            onPick={(id, name) => {
              remember(id, name);
              onChange(include, [...exclude, { targetType: 'group', id }]);
            }}
          />
        )}
      </div>
    </div>
  );
}
