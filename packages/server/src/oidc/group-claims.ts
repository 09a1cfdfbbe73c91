import type { Kysely } from 'kysely';
import type { DB } from '../store/schema.ts';
import { groupClaimsOf } from '../applications/repository.ts';
import { groupIdsForClaims } from '../directory/membership-repository.ts';

/**
 * The `groups` claim of an app's tokens, as Entra's `groupMembershipClaims` asks: `SecurityGroup`
 * names the user's security-enabled groups, `All` every group, each by object id, transitively
 * (nested groups count, as in Entra); `None` or null, no claim. More than `MAX_GROUPS_IN_TOKEN`
 * groups would make the token too large for a URL or a cookie: then, as Entra's implicit-flow
 * tokens do, `hasgroups: true` instead, and the app reads the membership from the API
 * (`/api/v1/users/{id}/transitiveMemberOf`).
 */
export const MAX_GROUPS_IN_TOKEN = 200;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function groupClaims(db: Kysely<DB>, clientId: string, userId: string): Promise<{ groups?: string[]; hasgroups?: true }> {
  // Registered apps' client ids are uuids; the first-party clients (`latchkey-console`, `latchkey-my`) have no such setting.
  if (!UUID.test(clientId)) return {};
  const setting = await groupClaimsOf(db, clientId);
  if (setting !== 'SecurityGroup' && setting !== 'All') return {};
  const groups = await groupIdsForClaims(db, userId, setting === 'SecurityGroup');
  return groups.length > MAX_GROUPS_IN_TOKEN ? { hasgroups: true } : { groups };
}
