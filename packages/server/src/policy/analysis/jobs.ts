import type { Kysely } from 'kysely';
import { randomUUID } from 'node:crypto';
import type { DB } from '../../store/schema.ts';
import { analyzeLockout } from './analyze.ts';
import type { AnalysisReport } from './run.ts';

export interface AnalysisJob {
  id: string;
  status: 'running' | 'succeeded' | 'failed';
  processedUsers: number;
  totalUsers: number;
  startedDateTime: string;
  result: AnalysisReport | null;
  error: string | null;
}

const jobs = new Map<string, AnalysisJob>();
const KEEP = 20;

/**
 * Background analyses for the console's progress bar. Jobs live in the process that runs them
 * (the console polls the same node; a restart forgets them — run it again). At most 20 are kept.
 */
export function startAnalysisJob(db: Kysely<DB>): AnalysisJob {
  const job: AnalysisJob = {
    id: randomUUID(),
    status: 'running',
    processedUsers: 0,
    totalUsers: 0,
    startedDateTime: new Date().toISOString(),
    result: null,
    error: null,
  };
  jobs.set(job.id, job);
  while (jobs.size > KEEP) jobs.delete(jobs.keys().next().value!);
  analyzeLockout(db, (done, total) => {
    job.processedUsers = done;
    job.totalUsers = total;
  })
    .then((r) => {
      job.result = r;
      job.status = 'succeeded';
    })
    .catch((err: unknown) => {
      job.status = 'failed';
      job.error = err instanceof Error ? err.message : String(err);
    });
  return job;
}

export const findAnalysisJob = (id: string): AnalysisJob | undefined => jobs.get(id);
