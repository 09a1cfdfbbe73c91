import { z } from 'zod';
import { defineOp } from '../../cli/ops.ts';
import { systemContext } from '../../auth/principal.ts';
import { ApiError } from '../../errors.ts';
import { getAuthenticationMethodsPolicy, getMethodConfiguration } from './read.ts';
import { updateMethodConfiguration } from './update.ts';
import { explainMethodsForUser, type UserMethodsExplanation } from './explain.ts';
import type { AuthenticationMethodsPolicy, MethodConfiguration } from './types.ts';

function argsOf<T extends z.ZodType>(schema: T, raw: unknown): z.output<T> {
  const parsed = schema.safeParse(raw ?? {});
  if (!parsed.success)
    throw new ApiError(
      'Request_BadRequest',
      `Invalid arguments: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}

const MethodArg = z.object({ method: z.string().min(1).max(64).optional() });
const UpdateArgs = z.object({ method: z.string().min(1).max(64), body: z.record(z.string(), z.unknown()), confirmLockout: z.boolean().optional() });
const ExplainArgs = z.object({ user: z.string().min(1).max(320) });

/** `authMethods.get` — the whole policy, or one configuration when `method` is given (same as the GETs). */
export const authMethodsGetOp = defineOp<z.input<typeof MethodArg>, AuthenticationMethodsPolicy | MethodConfiguration>({
  name: 'authMethods.get',
  async run(rt, raw) {
    const { method } = argsOf(MethodArg, raw);
    return method
      ? (await getMethodConfiguration(rt.store.db, method)).configuration
      : (await getAuthenticationMethodsPolicy(rt.store.db)).policy;
  },
});

/** `authMethods.update` — a Graph PATCH body for one configuration, run as the system actor (audited like the API). */
export const authMethodsUpdateOp = defineOp<z.input<typeof UpdateArgs>, { changed: boolean; configuration: MethodConfiguration }>({
  name: 'authMethods.update',
  async run(rt, raw) {
    const { method, body, confirmLockout } = argsOf(UpdateArgs, raw);
    const { changed, configuration } = await updateMethodConfiguration(rt.store.db, systemContext(), method, body, { confirmLockout: confirmLockout ?? false });
    return { changed, configuration };
  },
});

/** `authMethods.explain` — which methods the policy allows a user (id or UPN), with reasons. */
export const authMethodsExplainOp = defineOp<z.input<typeof ExplainArgs>, UserMethodsExplanation>({
  name: 'authMethods.explain',
  run: async (rt, raw) => explainMethodsForUser(rt.store.db, argsOf(ExplainArgs, raw).user),
});
