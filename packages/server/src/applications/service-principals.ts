import type { Kysely } from 'kysely';
import type { DB } from '../store/schema.ts';
import type { RequestContext } from '../auth/principal.ts';
import { recordAudit } from '../audit/record.ts';
import { ApiError, conflict, notFound } from '../errors.ts';
import { roleByNameOrId } from '../directory/roles.ts';
import { findApplication } from './repository.ts';
import { findAppRole } from './app-roles.ts';
import {
  appRoleAssignmentsOf,
  deleteAppRoleAssignment,
  deleteServicePrincipalRole,
  deleteServicePrincipalRow,
  directoryRolesOfServicePrincipal,
  findServicePrincipal,
  insertAppRoleAssignment,
  insertServicePrincipal,
  insertServicePrincipalRole,
  updateServicePrincipalRow,
  type ServicePrincipalRow,
} from './service-principals-repository.ts';
import { toGraphAppRoleAssignment, toGraphServicePrincipal, type GraphAppRoleAssignment, type GraphServicePrincipal } from './shapes.ts';

/**
 * Service principals: an application's identity in the directory. What a client-credentials
 * token may do comes from here: `roles` = granted permissions (app role assignments), `wids` =
 * directory roles assigned to the service principal. Both are checked (ADR 0004).
 */
const CATEGORY = 'ApplicationManagement';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const spTarget = (sp: ServicePrincipalRow) => ({ id: sp.id, type: 'ServicePrincipal' as const, displayName: sp.display_name });

/** A concurrent writer won the race to the same unique row (SQLSTATE 23505): 409, not 500. */
async function orConflict<T>(write: Promise<T>, message: string): Promise<T> {
  try {
    return await write;
  } catch (err) {
    if ((err as { code?: unknown }).code === '23505') throw conflict(message);
    throw err;
  }
}

/** The service principal or 404; `forUpdate` serialises writers on it (inside a transaction). */
async function mustFind(db: Kysely<DB>, id: string, forUpdate = false): Promise<ServicePrincipalRow> {
  const sp = UUID.test(id) ? await findServicePrincipal(db, id, 'id', { forUpdate }) : undefined;
  if (!sp) throw notFound('servicePrincipal', id);
  return sp;
}

export async function getServicePrincipal(db: Kysely<DB>, id: string): Promise<GraphServicePrincipal> {
  return toGraphServicePrincipal(await mustFind(db, id));
}

/** Graph `POST /servicePrincipals {appId}`: 404 for an unknown app, 409 when it already has one. */
export async function createServicePrincipal(db: Kysely<DB>, ctx: RequestContext, appId: string): Promise<GraphServicePrincipal> {
  return db.transaction().execute(async (trx) => {
    const app = UUID.test(appId) ? await findApplication(trx, appId, 'appId', { forUpdate: true }) : undefined;
    if (!app) throw new ApiError('Request_BadRequest', `No application with appId '${appId}'.`);
    if (await findServicePrincipal(trx, app.app_id, 'appId')) throw conflict(`Application '${appId}' already has a service principal.`);
    const sp = await orConflict(
      insertServicePrincipal(trx, { id: crypto.randomUUID(), appId: app.app_id, displayName: app.display_name }),
      `Application '${appId}' already has a service principal.`,
    );
    await recordAudit(trx, ctx, { category: CATEGORY, activity: 'Add service principal', operationType: 'Add', targets: [spTarget(sp)] });
    return toGraphServicePrincipal(sp);
  });
}

export async function updateServicePrincipal(
  db: Kysely<DB>,
  ctx: RequestContext,
  id: string,
  patch: { accountEnabled?: boolean },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const sp = await mustFind(trx, id, true);
    await updateServicePrincipalRow(trx, sp.id, patch);
    const mods =
      patch.accountEnabled === undefined || patch.accountEnabled === sp.account_enabled
        ? []
        : [
            {
              displayName: 'AccountEnabled',
              oldValue: JSON.stringify([sp.account_enabled]),
              newValue: JSON.stringify([patch.accountEnabled]),
            },
          ];
    await recordAudit(trx, ctx, {
      category: CATEGORY,
      activity: 'Update service principal',
      operationType: 'Update',
      targets: [{ ...spTarget(sp), modifiedProperties: mods }],
    });
  });
}

export async function deleteServicePrincipal(db: Kysely<DB>, ctx: RequestContext, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const sp = await mustFind(trx, id, true);
    await deleteServicePrincipalRow(trx, sp.id);
    await recordAudit(trx, ctx, {
      category: CATEGORY,
      activity: 'Remove service principal',
      operationType: 'Delete',
      targets: [spTarget(sp)],
    });
  });
}

export async function listAppRoleAssignments(db: Kysely<DB>, id: string): Promise<GraphAppRoleAssignment[]> {
  const sp = await mustFind(db, id);
  return (await appRoleAssignmentsOf(db, sp.id)).map((a) => toGraphAppRoleAssignment(a, sp));
}

/** Grants one admin-API permission, named by `appRoleValue` or `appRoleId`. 400 unknown, 409 already granted. */
export async function grantAppRole(
  db: Kysely<DB>,
  ctx: RequestContext,
  id: string,
  by: { appRoleValue?: string; appRoleId?: string },
): Promise<GraphAppRoleAssignment> {
  const role = findAppRole({
    ...(by.appRoleValue === undefined ? {} : { value: by.appRoleValue }),
    ...(by.appRoleId === undefined ? {} : { id: by.appRoleId }),
  });
  if (!role)
    throw new ApiError(
      'Request_BadRequest',
      'Unknown app role: give appRoleValue (a Graph permission name such as User.Read.All) or its appRoleId.',
    );
  return db.transaction().execute(async (trx) => {
    const sp = await mustFind(trx, id, true);
    if ((await appRoleAssignmentsOf(trx, sp.id)).some((a) => a.app_role_value === role.value))
      throw conflict(`Permission ${role.value} is already granted.`);
    const row = await orConflict(
      insertAppRoleAssignment(trx, { id: crypto.randomUUID(), principalId: sp.id, value: role.value }),
      `Permission ${role.value} is already granted.`,
    );
    await recordAudit(trx, ctx, {
      category: CATEGORY,
      activity: 'Add app role assignment to service principal',
      operationType: 'Assign',
      targets: [
        { ...spTarget(sp), modifiedProperties: [{ displayName: 'AppRole.Value', oldValue: null, newValue: JSON.stringify([role.value]) }] },
      ],
    });
    return toGraphAppRoleAssignment(row, sp);
  });
}

export async function revokeAppRole(db: Kysely<DB>, ctx: RequestContext, id: string, assignmentId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const sp = await mustFind(trx, id, true);
    const row = UUID.test(assignmentId) ? await deleteAppRoleAssignment(trx, sp.id, assignmentId.toLowerCase()) : undefined;
    if (!row) throw notFound('appRoleAssignment', assignmentId);
    await recordAudit(trx, ctx, {
      category: CATEGORY,
      activity: 'Remove app role assignment from service principal',
      operationType: 'Unassign',
      targets: [
        {
          ...spTarget(sp),
          modifiedProperties: [{ displayName: 'AppRole.Value', oldValue: JSON.stringify([row.app_role_value]), newValue: null }],
        },
      ],
    });
  });
}

export async function listDirectoryRoles(db: Kysely<DB>, id: string): Promise<string[]> {
  return directoryRolesOfServicePrincipal(db, (await mustFind(db, id)).id);
}

/** Assigns (or removes) a directory role to the service principal — its `wids`. */
export async function setDirectoryRole(
  db: Kysely<DB>,
  ctx: RequestContext,
  id: string,
  roleNameOrId: string,
  assign: boolean,
): Promise<void> {
  const role = roleByNameOrId(roleNameOrId);
  if (!role) throw new ApiError('Request_BadRequest', `Unknown directory role '${roleNameOrId}'.`);
  await db.transaction().execute(async (trx) => {
    const sp = await mustFind(trx, id, true);
    const held = await directoryRolesOfServicePrincipal(trx, sp.id);
    if (assign) {
      if (held.includes(role.templateId)) throw conflict(`The service principal already holds ${role.displayName}.`);
      await orConflict(insertServicePrincipalRole(trx, sp.id, role.templateId), `The service principal already holds ${role.displayName}.`);
    } else if (!(await deleteServicePrincipalRole(trx, sp.id, role.templateId))) {
      throw notFound('roleAssignment', role.templateId);
    }
    await recordAudit(trx, ctx, {
      category: 'RoleManagement',
      activity: assign ? 'Add member to role' : 'Remove member from role',
      operationType: assign ? 'Assign' : 'Unassign',
      targets: [{ id: role.templateId, type: 'Role', displayName: role.displayName }, spTarget(sp)],
    });
  });
}
