import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../context.ts';
import { registerAuditRoutes } from './audit.ts';
import { registerUserRoutes } from './users.ts';
import { registerGroupRoutes } from './groups.ts';
import { registerRoleManagementRoutes } from './role-management.ts';
import { registerAuthenticationMethodsPolicyRoutes } from './authentication-methods-policy.ts';
import { registerPasswordMethodRoutes } from './password-methods.ts';
import { registerFido2MethodRoutes } from './fido2-methods.ts';
import { registerPasskeyTrustRoutes } from './passkey-trust.ts';
import { registerApplicationRoutes } from './applications.ts';
import { registerServicePrincipalRoutes } from './service-principals.ts';
import { registerMeRoutes } from '../me/routes.ts';
import { registerConditionalAccessRoutes } from './conditional-access.ts';
import { registerAuthenticationStrengthRoutes } from './authentication-strengths.ts';
import { registerNamedLocationRoutes } from './named-locations.ts';
import { registerOathDeviceRoutes } from './oath-devices.ts';
import { registerHardwareOathMethodRoutes } from './hardware-oath-methods.ts';
import { registerSoftwareOathMethodRoutes } from './software-oath-methods.ts';
import { registerAuthenticationRequirementsRoutes } from './authentication-requirements.ts';
import { registerMeOathRoutes } from '../me/oath.ts';
import { registerTemporaryAccessPassRoutes } from './temporary-access-pass.ts';
import { registerSignInLogRoutes } from './signin-logs.ts';
import { registerMeTemporaryAccessPassRoutes } from '../me/temporary-access-pass.ts';
import { registerRevokeSessionRoutes } from './revoke-sessions.ts';

/**
 * The Graph-shaped admin API under /api/v1. Each resource registers its own routes; add a line
 * here when you add a resource.
 */
export async function registerAdminApi(api: FastifyInstance, deps: AppDeps): Promise<void> {
  void api;
  void deps;
  await registerAuditRoutes(api, deps);
  await registerUserRoutes(api, deps);
  await registerGroupRoutes(api, deps);
  await registerRoleManagementRoutes(api, deps);
  await registerAuthenticationMethodsPolicyRoutes(api, deps);
  await registerPasswordMethodRoutes(api, deps);
  await registerFido2MethodRoutes(api, deps);
  await registerPasskeyTrustRoutes(api, deps);
  await registerApplicationRoutes(api, deps);
  await registerServicePrincipalRoutes(api, deps);
  await registerMeRoutes(api, deps);
  await registerConditionalAccessRoutes(api, deps);
  await registerAuthenticationStrengthRoutes(api, deps);
  await registerNamedLocationRoutes(api, deps);
  await registerOathDeviceRoutes(api, deps);
  await registerHardwareOathMethodRoutes(api, deps);
  await registerSoftwareOathMethodRoutes(api, deps);
  await registerAuthenticationRequirementsRoutes(api, deps);
  await registerMeOathRoutes(api, deps);
  await registerTemporaryAccessPassRoutes(api, deps);
  await registerSignInLogRoutes(api, deps);
  await registerMeTemporaryAccessPassRoutes(api, deps);
  await registerRevokeSessionRoutes(api, deps);
}
