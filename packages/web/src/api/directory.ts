import type { ApiClient } from './client.ts';
import { query, startsWithAny } from './odata.ts';
import type { DirectoryObject, Group, NewUser, Page, RoleAssignment, RoleDefinition, User, UserPatch } from './types.ts';

/** Page size of the console's lists. */
export const PAGE_SIZE = 25;

const id = (value: string) => encodeURIComponent(value);

/** Typed calls for /users, /groups and /roleManagement (Graph paths under /api/v1). */
export const directory = {
  listUsers(api: ApiClient, search: string, signal: AbortSignal): Promise<Page<User>> {
    const filter = search ? startsWithAny(['displayName', 'userPrincipalName'], search) : undefined;
    return api.page(`/users${query({ $top: PAGE_SIZE, $filter: filter, $count: 'true' })}`, signal);
  },
  getUser: (api: ApiClient, userId: string, signal?: AbortSignal) => api.get<User>(`/users/${id(userId)}`, signal),
  createUser: (api: ApiClient, body: NewUser) => api.post<User>('/users', body),
  updateUser: (api: ApiClient, userId: string, patch: UserPatch) => api.patch<User | undefined>(`/users/${id(userId)}`, patch),
  deleteUser: (api: ApiClient, userId: string) => api.delete(`/users/${id(userId)}`),
  memberOf: (api: ApiClient, userId: string, signal: AbortSignal) =>
    api.page<DirectoryObject>(`/users/${id(userId)}/memberOf${query({ $top: 100 })}`, signal),

  listGroups(api: ApiClient, search: string, signal: AbortSignal): Promise<Page<Group>> {
    const filter = search ? startsWithAny(['displayName'], search) : undefined;
    return api.page(`/groups${query({ $top: PAGE_SIZE, $filter: filter, $count: 'true' })}`, signal);
  },
  getGroup: (api: ApiClient, groupId: string, signal?: AbortSignal) => api.get<Group>(`/groups/${id(groupId)}`, signal),
  members: (api: ApiClient, groupId: string, signal: AbortSignal) =>
    api.page<DirectoryObject>(`/groups/${id(groupId)}/members${query({ $top: 100 })}`, signal),

  roleDefinitions: (api: ApiClient, signal: AbortSignal) => api.page<RoleDefinition>('/roleManagement/directory/roleDefinitions', signal),
  roleAssignments: (api: ApiClient, signal: AbortSignal) =>
    api.page<RoleAssignment>(`/roleManagement/directory/roleAssignments${query({ $top: 999 })}`, signal),

  /** A user or group by id (role assignment principals); null when neither exists. */
  async principal(api: ApiClient, principalId: string, signal: AbortSignal): Promise<DirectoryObject | null> {
    for (const kind of ['users', 'groups'] as const) {
      try {
        const o = await api.get<DirectoryObject>(`/${kind}/${id(principalId)}`, signal);
        return { '@odata.type': kind === 'users' ? '#microsoft.graph.user' : '#microsoft.graph.group', ...o };
      } catch (e) {
        if ((e as { status?: number }).status !== 404) throw e;
      }
    }
    return null;
  },
};
