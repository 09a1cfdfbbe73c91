/**
 * Who is acting. Every domain function that changes state takes a `RequestContext` so the audit
 * entry written in the same transaction names the actor, the correlation id and the client IP.
 */
export interface Principal {
  kind: 'user' | 'servicePrincipal' | 'system';
  /** User id, service principal id, or 'system'. */
  id: string;
  displayName: string;
  userPrincipalName?: string;
  /** Client (application) id for service principals and for the app a user token was issued to. */
  appId?: string;
  /** Directory role template ids held (Entra's `wids` claim). */
  roles: readonly string[];
  /** Granted permissions (delegated `scp` or application `roles`), e.g. `User.ReadWrite.All`. */
  scopes: readonly string[];
}

export interface RequestContext {
  principal: Principal;
  correlationId: string;
  ipAddress: string | null;
}

export const SYSTEM: Principal = { kind: 'system', id: 'system', displayName: 'Latchkey', roles: [], scopes: [] };

export function systemContext(correlationId: string = crypto.randomUUID()): RequestContext {
  return { principal: SYSTEM, correlationId, ipAddress: null };
}
