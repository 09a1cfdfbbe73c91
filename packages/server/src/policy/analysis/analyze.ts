import type { Kysely } from 'kysely';
import type { DB } from '../../store/schema.ts';
import { listPolicies } from '../conditional-access/repository.ts';
import { listCustomStrengths } from '../strengths/repository.ts';
import { listNamedLocations } from '../locations/repository.ts';
import { loadDirectoryFacts } from './facts.ts';
import { runAnalysis, type AnalysisReport, type Progress } from './run.ts';

/** `POST /identity/conditionalAccess/analyze` and `latchkey policy analyze`: the current policies, whole directory. */
export async function analyzeLockout(db: Kysely<DB>, onProgress?: Progress): Promise<AnalysisReport> {
  const [facts, policies, strengths, locations] = await Promise.all([
    loadDirectoryFacts(db),
    listPolicies(db),
    listCustomStrengths(db),
    listNamedLocations(db),
  ]);
  return runAnalysis({ facts, policies, strengths, locations }, onProgress);
}
