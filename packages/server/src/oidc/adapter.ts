import type { Kysely } from 'kysely';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { DB } from '../store/schema.ts';
import { consumePayload, deleteByGrantId, deletePayload, findPayload, upsertPayload } from './payloads-repository.ts';

/** Resolves a client id to oidc-provider client metadata (the `Client` model is read-only here). */
export type ClientSource = (clientId: string) => Promise<AdapterPayload | undefined>;

/**
 * oidc-provider's storage adapter over `oidc_payloads` (Kysely; PGlite and PostgreSQL alike).
 * One instance per model name (Session, Grant, AuthorizationCode, Interaction, …); clients come
 * from the applications table through `clients`. Expired rows are invisible to `find*` and
 * deleted by the periodic sweep (see `jobs/housekeeping.ts`).
 */
export function createAdapterClass(db: Kysely<DB>, clients: ClientSource): new (name: string) => Adapter {
  return class LatchkeyAdapter implements Adapter {
    readonly name: string;
    constructor(name: string) {
      this.name = name;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      if (this.name === 'Client') throw new Error('clients are managed through /api/v1/applications');
      await upsertPayload(db, { kind: this.name, id, payload, expiresAt: expiresIn ? new Date(Date.now() + expiresIn * 1000) : null });
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.name === 'Client') return clients(id);
      return shaped(await findPayload(db, this.name, { id }));
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return shaped(await findPayload(db, this.name, { uid }));
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return shaped(await findPayload(db, this.name, { userCode }));
    }

    async consume(id: string): Promise<void> {
      await consumePayload(db, this.name, id);
    }

    async destroy(id: string): Promise<void> {
      await deletePayload(db, this.name, id);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await deleteByGrantId(db, grantId);
    }
  };
}

/** oidc-provider expects `consumed` set (truthy) on consumed artefacts (single-use codes). */
function shaped(r: { payload: Record<string, unknown>; consumedAt: Date | null } | undefined): AdapterPayload | undefined {
  if (!r) return undefined;
  return r.consumedAt ? { ...r.payload, consumed: Math.floor(r.consumedAt.getTime() / 1000) } : r.payload;
}
