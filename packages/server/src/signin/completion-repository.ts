import type { Kysely } from 'kysely';
import type { DB } from '../store/schema.ts';
import { batchedStatement } from '../store/batched-statement.ts';
import { credentialUseSql, encodeCredentialUse, recordUse, type CredentialUse } from '../methods/passkey/credentials-repository.ts';
import { encodeFlowSave, flowSaveSql, saveFlowRow, type FlowSave, type StoredFlow } from './repository.ts';
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
 * Each step reads its items straight from the batch (`jsonb_path_query_array`, every part carries
 * its `n`) and keeps those whose `n` the step before returned. On PGlite, and in a transaction,
 * the four one-row statements run in turn.
 *
 * A saved flow is `save.next` at the next version: the update writes exactly those fields (the
 * test compares it with the row read back), so the statement returns flags, not the row.
 */
export async function commitCompletion(db: Kysely<DB>, c: Completion): Promise<CompletionOutcome> {
  const r = (await completions.run(db, c))[0];
  if (!r) throw new Error('commitCompletion: no outcome row');
  return { used: r.used, flow: r.saved ? { ...c.save.next, version: c.save.expectedVersion + 1 } : undefined, resulted: r.resulted };
}

type OutcomeRow = { used: boolean; saved: boolean; resulted: boolean };

/** The items' `key` parts as one jsonb array (each part carries its item's `n`). */
const part = (key: string) => `jsonb_path_query_array($1::jsonb, '$[*].${key}')`;

const completions = batchedStatement<Completion, OutcomeRow>({
  name: 'signin_completion',
  keyOf: (c) => c.use.id,
  encode: (c, n) => ({
    use: { ...encodeCredentialUse(c.use), n },
    save: { ...encodeFlowSave(c.save), n },
    log: { ...encodeSignInLogItem(c.log), n },
    result: { ...encodeInteractionResult(c.result), n },
  }),
  single: async (db, c) => {
    const used = await recordUse(db, c.use.id, c.use);
    const saved = used && (await saveFlowRow(db, c.save)).length > 0;
    if (saved) await insertSignInLogRow(db, c.log);
    const resulted = saved && (await setInteractionResultRow(db, c.result)).length > 0;
    return [{ used, saved, resulted }];
  },
  sql: `with used as (${credentialUseSql(part('use'))}),
saved as (${flowSaveSql(part('save'), 'used', 'v.n')}),
logged as (${signInLogInsertSql(part('log'), 'saved')}),
resulted as (${interactionResultSql(part('result'), 'saved')})
select e.n, e.n in (select n from used) as used, e.n in (select n from saved) as saved, e.n in (select n from resulted) as resulted
from generate_series(0, jsonb_array_length($1::jsonb) - 1) as e(n)`,
});
