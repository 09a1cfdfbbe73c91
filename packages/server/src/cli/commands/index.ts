import type { Command } from 'commander';
import type { CliContext } from '../main.ts';
import { registerAuditCommands } from './audit.ts';
import { registerUserCommands } from './users.ts';
import { registerGroupCommands } from './groups.ts';
import { registerRoleCommands } from './roles.ts';
import { registerAdminCommands } from './admin.ts';
import { registerKeysCommands } from './keys.ts';
import { registerAuthMethodsCommands } from '../../policy/authentication-methods/cli.ts';
import { registerPasskeyCommands } from '../../methods/passkey/cli.ts';
import { registerPolicyCommands } from './policy.ts';
import { registerTokensCommands } from './tokens.ts';
import { registerSessionCommands } from './sessions.ts';
import { registerSecretsCommands } from './secrets.ts';

/** Every command group registers itself here: `(program, ctx) => void`. */
export type RegisterCommands = (program: Command, ctx: CliContext) => void;

export const COMMANDS: RegisterCommands[] = [];
COMMANDS.push(registerAuditCommands);
COMMANDS.push(registerUserCommands);
COMMANDS.push(registerGroupCommands);
COMMANDS.push(registerRoleCommands);
COMMANDS.push(registerAdminCommands);
COMMANDS.push(registerKeysCommands);
COMMANDS.push(registerAuthMethodsCommands);
COMMANDS.push(registerPasskeyCommands);
COMMANDS.push(registerTokensCommands);
COMMANDS.push(registerPolicyCommands);
COMMANDS.push(registerSessionCommands);
COMMANDS.push(registerSecretsCommands);
