import { useId, useState } from 'react';
import { useApi } from '../../auth/AuthContext.tsx';
import { directory } from '../../api/directory.ts';
import { useDebounced } from '../../components/useDebounced.ts';
import { useResource } from '../../components/useResource.ts';
import { ALL_USERS } from './types.ts';

/** Search groups by name (or pick All users) and add one: a labelled search box with a result list. */
export function GroupPicker({
  label,
  exclude,
  onPick,
  allowAllUsers,
}: {
  label: string;
  exclude: string[];
  onPick(id: string, name: string): void;
  allowAllUsers: boolean;
}) {
  const api = useApi();
  const id = useId();
  const [search, setSearch] = useState('');
  const term = useDebounced(search.trim());
  const groups = useResource(term ? `group-pick:${term}` : null, (signal) => directory.listGroups(api, term, signal));
  const options = [
    ...(allowAllUsers && 'all users'.startsWith(term.toLowerCase()) && term ? [{ id: ALL_USERS, displayName: 'All users' }] : []),
    ...(groups.data?.value ?? []).slice(0, 8),
  ].filter((g) => !exclude.includes(g.id));

  return (
    <div className="form-row" style={{ marginTop: 10 }}>
      <label htmlFor={id} className="label">
        {label}
      </label>
      <input
        id={id}
        type="search"
        className="input"
        placeholder="Type a group name"
        autoComplete="off"
        value={search}
        onChange={(e) => setSearch(e.target.value)}
      />
      {term ? (
        <ul className="object-list" aria-label={`${label}: matches`} style={{ marginTop: 4, background: 'var(--surface)' }}>
          {options.length === 0 ? (
            <li className="muted">{groups.loading ? 'Searching…' : `No group starts with “${term}”.`}</li>
          ) : (
            options.map((g) => (
              <li key={g.id}>
                <button
                  type="button"
                  className="link-btn"
                  onClick={() => {
                    onPick(g.id, g.displayName);
                    setSearch('');
                  }}
                >
                  Add {g.displayName}
                </button>
              </li>
            ))
          )}
        </ul>
      ) : null}
    </div>
  );
}
