import { useId } from 'react';
import { AUDIT_CATEGORIES, SINCE, type AuditFilter } from '../../api/audit.ts';

/** The audit list's filters: category, activity prefix, result, time window. */
export function AuditFilters({ filter, onChange, onClear }: { filter: AuditFilter; onChange(next: AuditFilter): void; onClear(): void }) {
  const ids = { category: useId(), activity: useId(), result: useId(), since: useId() };
  const filtered = filter.category || filter.activity || filter.result || filter.since;
  return (
    <form className="filters" role="search" aria-label="Filter audit entries" onSubmit={(e) => e.preventDefault()}>
      <div className="filter">
        <label htmlFor={ids.category} className="label">
          Category
        </label>
        <select
          id={ids.category}
          className="input"
          value={filter.category}
          onChange={(e) => onChange({ ...filter, category: e.target.value })}
        >
          <option value="">All categories</option>
          {AUDIT_CATEGORIES.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </div>
      <div className="filter filter-wide">
        <label htmlFor={ids.activity} className="label">
          Activity starts with
        </label>
        <input
          id={ids.activity}
          type="search"
          className="input"
          placeholder="e.g. Add user"
          value={filter.activity}
          onChange={(e) => onChange({ ...filter, activity: e.target.value })}
        />
      </div>
      <div className="filter">
        <label htmlFor={ids.result} className="label">
          Result
        </label>
        <select
          id={ids.result}
          className="input"
          value={filter.result}
          onChange={(e) => onChange({ ...filter, result: e.target.value as AuditFilter['result'] })}
        >
          <option value="">Any result</option>
          <option value="success">Success</option>
          <option value="failure">Failure</option>
        </select>
      </div>
      <div className="filter">
        <label htmlFor={ids.since} className="label">
          Time
        </label>
        <select
          id={ids.since}
          className="input"
          value={filter.since}
          onChange={(e) => onChange({ ...filter, since: e.target.value as AuditFilter['since'] })}
        >
          <option value="">Any time</option>
          {(Object.keys(SINCE) as Array<keyof typeof SINCE>).map((k) => (
            <option key={k} value={k}>
              {SINCE[k].label}
            </option>
          ))}
        </select>
      </div>
      {filtered ? (
        <button type="button" className="btn btn-link filter-clear" onClick={onClear}>
          Clear filters
        </button>
      ) : null}
    </form>
  );
}
