import { sql, type Kysely } from 'kysely';
import type { DB } from '../store/schema.ts';
import { batchedStatement, onlyAfter } from '../store/batched-statement.ts';
import { toFlow, type FlowRow, type StoredFlow } from './repository.ts';
import { challengeRowOf, storeChallenge, type IssuedChallenge } from '../methods/passkey/challenges.ts';

/** What the sign-in page's JSON endpoints need of the oidc-provider interaction behind a flow. */
export interface LiveInteraction {
  /** The provider's resume URL (`<authorization endpoint>/<uid>`). */
  returnTo: string;
  /** The interaction's end (seconds since the epoch), as the provider's model keeps it. */
  exp: number;
  /** `prompt.name`: the flow of a `login` prompt is the only kind the lean path serves. */
  prompt: string | null;
  /** True when the interaction belongs to an SSO session (the provider then also checks the session). */
  hasSession: boolean;
}

/**
 * The flow of interaction `uid` together with the interaction's stored facts, if the interaction
 * is live (not expired): one statement instead of the provider's interaction read and the flow
 * read (signin/interaction.ts `leanFlowOf`). Concurrent reads share one statement
 * (store/batched-statement.ts, ADR 0013).
 *
 * With `challenge` (the sign-in page's passkey options), the same statement also stores that
 * usernameless challenge, bound to the flow, when the flow is still at `identify` — the one state
 * whose options need no flow change (signin/passkey-step.ts) — and the lean path applies (a
 * `login` prompt outside an SSO session), and says whether it did.
 */
export async function findFlowOfLiveInteraction(
  db: Kysely<DB>,
  uid: string,
  now: Date,
  challenge?: IssuedChallenge,
): Promise<{ flow: StoredFlow; interaction: LiveInteraction; issued?: IssuedChallenge } | undefined> {
  const r = (await liveFinds.run(db, { uid, now, challenge }))[0];
  if (!r) return undefined;
  const { interaction_return_to, interaction_exp, interaction_prompt, interaction_has_session, challenge_stored, ...row } = r;
  const flow = toFlow(row as FlowRow);
  return {
    flow,
    interaction: {
      returnTo: interaction_return_to,
      exp: Number(interaction_exp),
      prompt: interaction_prompt,
      hasSession: Boolean(interaction_has_session),
    },
    ...(challenge && challenge_stored ? { issued: { ...challenge, flowId: flow.id } } : {}),
  };
}

type LiveRow = FlowRow & {
  interaction_return_to: string;
  interaction_exp: number | string;
  interaction_prompt: string | null;
  interaction_has_session: boolean;
  challenge_stored: boolean;
};

const INTERACTION_COLUMNS = `p.payload->>'returnTo' as interaction_return_to, p.payload->>'exp' as interaction_exp,
  p.payload->'prompt'->>'name' as interaction_prompt, (p.payload->'session') is not null as interaction_has_session`;

type LiveFind = { uid: string; now: Date; challenge: IssuedChallenge | undefined };

const liveFinds = batchedStatement<LiveFind, LiveRow>({
  name: 'signin_flow_live_find',
  encode: (b) => ({ uid: b.uid, now: b.now.toISOString(), challenge: b.challenge ? challengeRowOf(b.challenge) : null }),
  single: async (db, b) => {
    const rows = (
      await sql<LiveRow>`select f.*, ${sql.raw(INTERACTION_COLUMNS)}, false as challenge_stored
from signin_flows f join oidc_payloads p on p.kind = 'Interaction' and p.id = f.interaction_uid
where f.interaction_uid = ${b.uid} and (p.expires_at is null or p.expires_at > ${b.now})`.execute(db)
    ).rows;
    const found = rows[0];
    if (found && b.challenge && found.state === 'identify' && found.interaction_prompt === 'login' && !found.interaction_has_session) {
      await storeChallenge(db, { ...b.challenge, flowId: found.id });
      found.challenge_stored = true;
    }
    return rows;
  },
  sql: `with b as (select * from jsonb_to_recordset($1::jsonb) as b(n int, uid text, now timestamptz, challenge jsonb)),
found as (
  select b.n, f.*, ${INTERACTION_COLUMNS}
  from b
  join lateral (select * from signin_flows f where f.interaction_uid = b.uid offset 0) f on true
  join lateral (select payload from oidc_payloads p where p.kind = 'Interaction' and p.id = b.uid
    and (p.expires_at is null or p.expires_at > b.now) offset 0) p on true
),
issued as (
  insert into passkey_challenges (challenge, purpose, user_id, flow_id, rp_id, expires_at)
  select c.challenge, c.purpose, c.user_id, found.id::text, c.rp_id, c.expires_at
  from found join b on b.n = found.n
  cross join jsonb_to_record(b.challenge) as c(challenge text, purpose text, user_id text, rp_id text, expires_at timestamptz)
  where jsonb_typeof(b.challenge) = 'object' and found.state = 'identify'
    and found.interaction_prompt = 'login' and not found.interaction_has_session -- only where the lean path will use it
  returning challenge
)
select found.*, exists (select 1 from issued i where i.challenge = b.challenge->>'challenge') as challenge_stored
from found join b on b.n = found.n`,
});

/**
 * Stores the interaction's `result` (what `provider.interactionResult` does with
 * `mergeWithLastSubmission: false`: the model's other fields and its expiry stay as they are),
 * as a partial update instead of re-writing the whole payload. False when the interaction has
 * gone (expired, or already resumed).
 */
export async function setInteractionResult(db: Kysely<DB>, uid: string, result: Record<string, unknown>, now: Date): Promise<boolean> {
  return (await resultWrites.run(db, { uid, result, now })).length > 0;
}

/** An interaction's result to store. */
export type InteractionResult = { uid: string; result: Record<string, unknown>; now: Date };
export const encodeInteractionResult = (w: InteractionResult) => ({ uid: w.uid, result: w.result, now: w.now.toISOString() });

/** The one-row form: for PGlite and transactions. */
export async function setInteractionResultRow(db: Kysely<DB>, w: InteractionResult): Promise<Array<{ id: string }>> {
  const r = await sql<{ id: string }>`update oidc_payloads set payload = jsonb_set(payload, '{result}', ${JSON.stringify(w.result)}::jsonb)
where kind = 'Interaction' and id = ${w.uid} and (expires_at is null or expires_at > ${w.now}) returning id`.execute(db);
  return r.rows;
}

const resultWrites = batchedStatement<InteractionResult, { id: string }>({
  name: 'oidc_interaction_result',
  keyOf: (w) => w.uid,
  encode: encodeInteractionResult,
  single: setInteractionResultRow,
  sql: interactionResultSql('$1::jsonb'),
});

/** Sets the `result` of the live interactions of `source` (a jsonb array of `{n, uid, result, now}`); returns `n` and the id of those set. `after`: see `onlyAfter`. */
export function interactionResultSql(source: string, after?: string): string {
  return `update oidc_payloads as p set payload = jsonb_set(p.payload, '{result}', v.result)
from jsonb_to_recordset(${source}) as v(n int, uid text, result jsonb, now timestamptz)
where p.kind = 'Interaction' and p.id = v.uid and (p.expires_at is null or p.expires_at > v.now)
  and p.id = any(array(select e->>'uid' from jsonb_array_elements(${source}) e))${onlyAfter(after)}
returning v.n, p.id`;
}
