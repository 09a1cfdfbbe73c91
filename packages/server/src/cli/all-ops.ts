/**
 * Imports every module that defines CLI operations, so the registry is complete in the CLI and
 * in the server (which runs them for the CLI over the control socket). Add a line per module.
 */
import './commands/migrate-ops.ts';
import './commands/users-ops.ts';
import './commands/groups-ops.ts';
import './commands/roles-ops.ts';
import '../oidc/admin-token-op.ts';
import '../oidc/keys-ops.ts';
import './commands/audit-ops.ts';
import '../policy/authentication-methods/ops.ts';
import '../methods/passkey/ops.ts';
import './commands/tokens-ops.ts';
import './commands/policy-ops.ts';
import './commands/sessions-ops.ts';
import '../secrets/ops.ts';
