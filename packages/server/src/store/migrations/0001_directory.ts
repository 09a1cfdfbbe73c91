import { sql, type Kysely } from 'kysely';

/** Directory: users, groups with nested membership, directory role assignments (Graph-shaped). */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table users (
      id uuid primary key,
      user_principal_name text not null,
      display_name text not null,
      given_name text,
      surname text,
      mail text,
      mail_nickname text,
      job_title text,
      department text,
      account_enabled boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  // userPrincipalName is unique case-insensitively (Graph semantics).
  await sql`create unique index users_upn_lower on users (lower(user_principal_name))`.execute(db);
  await sql`create index users_display_name on users (lower(display_name))`.execute(db);
  await sql`create index users_mail on users (lower(mail))`.execute(db);
  await sql`create index users_created on users (created_at, id)`.execute(db);

  await sql`
    create table groups (
      id uuid primary key,
      display_name text not null,
      description text,
      mail_nickname text not null,
      mail_enabled boolean not null default false,
      security_enabled boolean not null default true,
      group_types jsonb not null default '[]'::jsonb,
      is_assignable_to_role boolean not null default false,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index groups_display_name on groups (lower(display_name))`.execute(db);

  // member_type is 'user' or 'group'; a member row is removed with its user or group.
  await sql`
    create table group_members (
      group_id uuid not null references groups(id) on delete cascade,
      member_id uuid not null,
      member_type text not null check (member_type in ('user', 'group')),
      created_at timestamptz not null default now(),
      primary key (group_id, member_id)
    )`.execute(db);
  await sql`create index group_members_member on group_members (member_id, group_id)`.execute(db);

  // principal_type: 'user' | 'servicePrincipal' | 'group' (role-assignable groups).
  await sql`
    create table role_assignments (
      id uuid primary key,
      role_template_id uuid not null,
      principal_id uuid not null,
      principal_type text not null check (principal_type in ('user', 'servicePrincipal', 'group')),
      directory_scope_id text not null default '/',
      created_at timestamptz not null default now(),
      unique (role_template_id, principal_id, directory_scope_id)
    )`.execute(db);
  await sql`create index role_assignments_principal on role_assignments (principal_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table role_assignments, group_members, groups, users`.execute(db);
}
