import { useApi } from '../../auth/AuthContext.tsx';
import { EmptyState, ErrorAlert, Spinner } from '../../components/feedback.tsx';
import { formatDateTime } from '../../components/format.ts';
import { Badge } from '../../components/ListToolbar.tsx';
import { useResource } from '../../components/useResource.ts';
import { Link } from '../../router.tsx';
import { LockoutAnalysis } from './LockoutAnalysis.tsx';
import { PolicyEditor } from './PolicyEditor.tsx';
import { policiesApi, STATE_LABEL, STATE_TONE } from './policiesApi.ts';
import { WhatIfForm } from './WhatIfForm.tsx';
import { TabNav } from '../../components/TabNav.tsx';

const TABS = [
  { id: null, label: 'Policies', href: '/admin/policies' },
  { id: 'what-if', label: 'What If', href: '/admin/policies/what-if' },
  { id: 'analysis', label: 'Lockout analysis', href: '/admin/policies/analysis' },
] as const;

/** /admin/policies[/…]: Conditional Access policies, the JSON editor (`/new`, `/{id}`), What If and lockout analysis. */
export function PoliciesPage({ selectedId }: { selectedId: string | null }) {
  const tab = selectedId === 'what-if' || selectedId === 'analysis' ? selectedId : null;
  return (
    <section aria-labelledby="policies-heading">
      <div className="page-head">
        <div>
          <h1 id="policies-heading" className="page-title">
            Conditional Access
          </h1>
          <p className="page-lead">Who may reach which app, with which methods — checked against lockouts before anything is enforced.</p>
        </div>
      </div>
      <TabNav label="Conditional Access" tabs={TABS} current={tab} />
      {tab === 'what-if' ? (
        <WhatIfForm />
      ) : tab === 'analysis' ? (
        <LockoutAnalysis />
      ) : selectedId ? (
        <PolicyEditor id={selectedId} />
      ) : (
        <PolicyList />
      )}
    </section>
  );
}

function PolicyList() {
  const api = useApi();
  const list = useResource('ca-policies', (signal) => policiesApi.list(api, signal));
  return (
    <>
      <div className="toolbar">
        <Link href="/admin/policies/new" className="btn btn-primary">
          New policy
        </Link>
        <button type="button" className="btn btn-secondary" onClick={list.reload} disabled={list.loading}>
          Refresh
        </button>
      </div>
      {list.error && !list.loading ? <ErrorAlert title="Could not load the policies" error={list.error} onRetry={list.reload} /> : null}
      <div className="table-card">
        {list.loading ? (
          <Spinner label="Loading policies…" />
        ) : !list.data?.length ? (
          <EmptyState title="No Conditional Access policies yet.">Create one, or paste a policy exported from Entra.</EmptyState>
        ) : (
          <table className="table" aria-label="Conditional Access policies">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">State</th>
                <th scope="col">Grant</th>
                <th scope="col">Modified</th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((p) => (
                <tr key={p.id}>
                  <td>
                    <Link href={`/admin/policies/${p.id}`} className="row-link">
                      {p.displayName}
                    </Link>
                  </td>
                  <td>
                    <Badge tone={STATE_TONE[p.state]}>{STATE_LABEL[p.state]}</Badge>
                  </td>
                  <td>{grantText(p.grantControls)}</td>
                  <td className="nowrap">{formatDateTime(p.modifiedDateTime ?? p.createdDateTime)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </>
  );
}

function grantText(
  g: { operator: string; builtInControls: string[]; authenticationStrength: { id: string; displayName?: string } | null } | null,
): string {
  if (!g) return 'Session controls only';
  const parts = [
    ...g.builtInControls,
    ...(g.authenticationStrength ? [g.authenticationStrength.displayName ?? g.authenticationStrength.id] : []),
  ];
  return parts.join(g.operator === 'OR' ? ' or ' : ' and ');
}
