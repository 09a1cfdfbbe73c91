import { z } from 'zod';
import { defineOp } from '../ops.ts';
import { systemContext } from '../../auth/principal.ts';
import { ApiError } from '../../errors.ts';
import { encodeSkipToken, parseODataQuery } from '../../odata/query.ts';
import { USERS_RESOURCE } from '../../directory/filters.ts';
import { queryUsers } from '../../directory/queries.ts';
import { userCreateSchema } from '../../directory/schemas.ts';
import { createUser, deleteUser, getUser, updateUser } from '../../directory/users.ts';
import type { GraphUser } from '../../directory/shapes.ts';

/** Parses op arguments with a zod schema; a bad argument is a 400 ApiError (one clear CLI line). */
export function argsOf<T extends z.ZodType>(schema: T, raw: unknown): z.infer<T> {
  const parsed = schema.safeParse(raw ?? {});
  if (!parsed.success)
    throw new ApiError(
      'Request_BadRequest',
      `Invalid arguments: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'value'} ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}

/** Paging arguments shared by the list ops: the same OData options as the HTTP API. */
export const ListArgs = z.object({
  top: z.number().int().min(1).max(999).optional(),
  filter: z.string().max(2000).optional(),
  skipToken: z.string().max(200).optional(),
  count: z.boolean().optional(),
});
export type ListArgs = z.infer<typeof ListArgs>;

export const toRawQuery = (a: ListArgs) => ({
  ...(a.top ? { $top: String(a.top) } : {}),
  ...(a.filter !== undefined ? { $filter: a.filter } : {}),
  ...(a.skipToken ? { $skiptoken: a.skipToken } : {}),
  ...(a.count ? { $count: 'true' } : {}),
});

export interface ListResult<T> {
  value: T[];
  count?: number | undefined;
  nextSkipToken: string | null;
}

const UserKey = z.object({ user: z.string().min(1).max(320) });

/** `users.list`: one page, like GET /users. */
export const usersListOp = defineOp<ListArgs, ListResult<GraphUser>>({
  name: 'users.list',
  async run(rt, raw) {
    const args = argsOf(ListArgs, raw);
    const page = await queryUsers(rt.store.db, parseODataQuery(toRawQuery(args), USERS_RESOURCE));
    return { value: page.items, count: page.count, nextSkipToken: page.nextAfter === null ? null : encodeSkipToken(page.nextAfter) };
  },
});

/** `users.create`: the POST /users body. */
export const usersCreateOp = defineOp<z.infer<typeof userCreateSchema>, GraphUser>({
  name: 'users.create',
  run: (rt, raw) => createUser(rt.store.db, systemContext(), argsOf(userCreateSchema, raw)),
});

export const usersShowOp = defineOp<{ user: string }, GraphUser>({
  name: 'users.show',
  run: (rt, raw) => getUser(rt.store.db, argsOf(UserKey, raw).user),
});

/** Soft disable / enable (`accountEnabled`); the last enabled Global Administrator cannot be disabled. */
export const usersDisableOp = defineOp<{ user: string }, GraphUser>({
  name: 'users.disable',
  run: (rt, raw) => updateUser(rt.store.db, systemContext(), argsOf(UserKey, raw).user, { accountEnabled: false }),
});

export const usersEnableOp = defineOp<{ user: string }, GraphUser>({
  name: 'users.enable',
  run: (rt, raw) => updateUser(rt.store.db, systemContext(), argsOf(UserKey, raw).user, { accountEnabled: true }),
});

export const usersDeleteOp = defineOp<{ user: string }, { deleted: string }>({
  name: 'users.delete',
  async run(rt, raw) {
    const { user } = argsOf(UserKey, raw);
    const found = await getUser(rt.store.db, user);
    await deleteUser(rt.store.db, systemContext(), found.id);
    return { deleted: found.id };
  },
});
