import type { Kysely } from 'kysely';
import type { DB } from '../store/schema.ts';
import { batchedStatement } from '../store/batched-statement.ts';
import { credentialUseSql, encodeCredentialUse, recordUse, type CredentialUse } from '../methods/passkey/credentials-repository.ts';
import { encodeFlowSave, flowSaveSql, saveFlowRow, toFlow, type FlowRow, type FlowSave, type StoredFlow } from './repository.ts';
import { encodeSignInLogItem, insertSignInLogRow, signInLogInsertSql, type SignInLogItem } from './signin-log-repository.ts';
import {
  encodeInteractionResult,
  interactionResultSql,
  setInteractionResultRow,
  type InteractionResult,
} from './interaction-repository.ts';

/** The writes that finish a passkey sign-in Conditional Access allowed at once (signin/passkey-completion.ts). */
export interface Completion {
  use: CredentialUse;
  save: FlowSave;
  log: SignInLogItem;
  result: InteractionResult;
}

/** How far a completion got: each write happens only if the one before it did. */
export interface CompletionOutcome {
  /** The counter moved forward and the use was stored (false: a counter regression, nothing else written). */
  used: boolean;
  /** The saved flow (undefined: another request moved the flow first; the use is stored, nothing after it). */
  flow: StoredFlow | undefined;
  /** The interaction's result was stored (false: the interaction expired or was resumed meanwhile). */
  resulted: boolean;
}

/**
 * Writes a completion in order — the credential's use (WebAuthn L3 §7.2 step 22: only a counter
 * that moves forward), the flow at its version, the sign-in log's success row and the
 * interaction's result — each only if the one before it was written: the same writes, in the same
 * order and with the same conditions, as the step-by-step path (`recordUse`, `applyEvents`,
 * `logAttempt`, `finishLogin`), which the caller falls back to from where this stopped.
 *
 * On PostgreSQL that is one statement of data-modifying CTEs, gathered across concurrent
 * sign-ins (store/batched-statement.ts, ADR 0013; two uses of one credential never share one).
 * Each step reads the `n` of the items its predecessor wrote from that CTE's RETURNING. On
 * PGlite, and in a transaction, the four one-row statements run in turn.
 */
export async function commitCompletion(db: Kysely<DB>, c: Completion): Promise<CompletionOutcome> {
  const r = (await completions.run(db, c))[0];
  if (!r) throw new Error('commitCompletion: no outcome row');
  const flow = typeof r.flow === 'string' ? (JSON.parse(r.flow) as FlowRow) : r.flow;
  return { used: r.used, flow: flow ? toFlow(flow) : undefined, resulted: r.resulted };
}

const step = (key: string, after?: string) =>
  `(select jsonb_agg(e->'${key}' || jsonb_build_object('n', e->'n')) from jsonb_array_elements($1::jsonb) e${after ? ` where (e->>'n')::int in (select n from ${after})` : ''})`;

type OutcomeRow = { used: boolean; flow: FlowRow | string | null; resulted: boolean };

const completions = batchedStatement<Completion, OutcomeRow>({
  name: 'signin_completion',
  keyOf: (c) => c.use.id,
  encode: (c) => ({
    use: encodeCredentialUse(c.use),
    save: encodeFlowSave(c.save),
    log: encodeSignInLogItem(c.log),
    result: encodeInteractionResult(c.result),
  }),
  single: async (db, c) => {
    const used = await recordUse(db, c.use.id, c.use);
    const flow = used ? ((await saveFlowRow(db, c.save))[0] ?? null) : null;
    if (flow) await insertSignInLogRow(db, c.log);
    const resulted = flow ? (await setInteractionResultRow(db, c.result)).length > 0 : false;
    return [{ used, flow, resulted }];
  },
  sql: `with used as (${credentialUseSql(step('use'))}),
saved as (${flowSaveSql(step('save', 'used'))}),
logged as (${signInLogInsertSql(step('log', 'saved'))}),
resulted as (${interactionResultSql(step('result', 'saved'))})
select (e->>'n')::int as n,
  exists (select 1 from used u where u.n = (e->>'n')::int) as used,
  (select to_jsonb(s) - 'n' from saved s where s.n = (e->>'n')::int) as flow,
  exists (select 1 from resulted r where r.n = (e->>'n')::int) as resulted
from jsonb_array_elements($1::jsonb) e`,
});
