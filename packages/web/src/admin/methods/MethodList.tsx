import { EmptyState, ErrorAlert, Spinner } from '../../components/feedback.tsx';
import { formatDateTime } from '../../components/format.ts';
import { Badge } from '../../components/ListToolbar.tsx';
import { useResource } from '../../components/useResource.ts';
import { Link } from '../../router.tsx';
import { useRawApi } from './methodsApi.ts';
import { UserCheck } from './UserCheck.tsx';
import { ALL_USERS, METHOD_ORDER, METHODS, type MethodConfiguration, type MethodsPolicy } from './types.ts';

const count = (n: number, noun: string) => (n ? `${n} ${noun}${n === 1 ? '' : 's'}` : '');

function targetsText(c: MethodConfiguration): string {
  const groups = c.includeTargets.filter((t) => t.targetType === 'group').length;
  const users = c.includeTargets.length - groups;
  const inc = c.includeTargets.some((t) => t.id === ALL_USERS)
    ? 'All users'
    : [count(groups, 'group'), count(users, 'user')].filter(Boolean).join(', ') || 'No one';
  return c.excludeTargets.length ? `${inc}, ${c.excludeTargets.length} excluded` : inc;
}

/** /admin/methods: every method of the authentication methods policy with its state and targets. */
export function MethodList() {
  const raw = useRawApi();
  const policy = useResource('methods-policy', (signal) => raw.get<MethodsPolicy>('/policies/authenticationMethodsPolicy', signal));
  const byId = new Map((policy.data?.authenticationMethodConfigurations ?? []).map((c) => [c.id, c]));

  return (
    <>
      {policy.error && !policy.loading ? (
        <ErrorAlert title="Could not load the policy" error={policy.error} onRetry={policy.reload} />
      ) : null}
      <div className="table-card">
        {policy.loading ? (
          <Spinner label="Loading the authentication methods policy…" />
        ) : !policy.data ? (
          <EmptyState title="No policy to show." />
        ) : (
          <table className="table" aria-label="Authentication methods">
            <thead>
              <tr>
                <th scope="col">Method</th>
                <th scope="col">State</th>
                <th scope="col">Targets</th>
                <th scope="col">Notes</th>
              </tr>
            </thead>
            <tbody>
              {METHOD_ORDER.filter((id) => byId.has(id)).map((id) => {
                const c = byId.get(id)!;
                return (
                  <tr key={id}>
                    <td>
                      <Link href={`/admin/methods/${id}`} className="row-link">
                        {METHODS[id].label}
                      </Link>
                      <div className="muted small">{METHODS[id].note}</div>
                    </td>
                    <td>
                      <Badge tone={c.state === 'enabled' ? 'success' : 'neutral'}>{c.state === 'enabled' ? 'Enabled' : 'Disabled'}</Badge>
                    </td>
                    <td className="nowrap">{targetsText(c)}</td>
                    <td className="small">{notes(c)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </div>
      {policy.data ? (
        <p className="muted small" style={{ marginTop: 10 }}>
          Policy last changed {formatDateTime(policy.data.lastModifiedDateTime)} · migration state{' '}
          <code>{policy.data.policyMigrationState}</code>
        </p>
      ) : null}
      <UserCheck />
    </>
  );
}

function notes(c: MethodConfiguration): string {
  if (!METHODS[c.id].available) return 'Not sent by Latchkey';
  if (c.id === 'Fido2') {
    const kr = c.keyRestrictions as { isEnforced: boolean; enforcementType: string; aaGuids: string[] };
    return [
      c.isAttestationEnforced ? 'Attestation enforced' : 'Attestation not enforced',
      kr.isEnforced ? `${kr.enforcementType === 'allow' ? 'allows' : 'blocks'} ${kr.aaGuids.length} AAGUID(s)` : 'no key restrictions',
    ].join(' · ');
  }
  if (c.id === 'TemporaryAccessPass')
    return `${c.defaultLifetimeInMinutes} min default (${c.minimumLifetimeInMinutes}–${c.maximumLifetimeInMinutes}), ${c.defaultLength} characters${c.isUsableOnce ? ', one-time' : ''}`;
  return '';
}
