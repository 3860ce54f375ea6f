// What crosses Redis between a sweep's coordinator and its workers. A job carries a trial's run
// spec and the folder its relative data paths resolve from (that path must exist on the worker;
// named datasets are found on each machine by name). Events come back through a Redis stream per
// job, in batches, each tagged with the attempt that produced it: a job retried after its worker
// died starts a new attempt, and the coordinator a new run folder. Both sides validate what they
// read: a queue is a boundary like any other.
import { z } from 'zod';
import { Redis } from 'ioredis';
import type { RunEvent } from '../../../../shared/events.ts';

export const QUEUE_NAME = 'trainscope-trials';
export const QUEUE_PROTOCOL = 1;

export const jobDataSchema = z.strictObject({
  v: z.literal(QUEUE_PROTOCOL),
  sweep: z.string().min(1).max(200),
  trial: z.string().min(1).max(200),
  spec: z.unknown(),
  baseDir: z.string().min(1),
});
export type TrialJobData = z.infer<typeof jobDataSchema>;

/** One batch a worker appends to a job's stream: events of one attempt, or why the attempt could not train. */
export const batchSchema = z.strictObject({
  /** the attempt: a random id the worker draws when it starts the job */
  attempt: z.string().min(1).max(100),
  /** who runs it (host:pid), for messages about a lost worker */
  worker: z.string().max(300),
  events: z.array(z.looseObject({ type: z.string() })).max(100_000),
  /** the spec or the data could not be loaded on this worker */
  error: z.string().max(2000).optional(),
});
export type EventBatch = Omit<z.infer<typeof batchSchema>, 'events'> & { events: RunEvent[] };

export const eventsKey = (jobId: string) => `trainscope:events:${jobId}`;
export const stopKey = (jobId: string) => `trainscope:stop:${jobId}`;
/** streams and stop flags outlive a coordinator that died by a day at most */
export const KEY_TTL_S = 24 * 3600;

/** How long a worker's lock on a job lasts without renewal: a dead worker's trial is retried after about this long. */
export const LOCK_MS = Number(process.env.TRAINSCOPE_QUEUE_LOCK_MS) > 0 ? Number(process.env.TRAINSCOPE_QUEUE_LOCK_MS) : 30_000;

/**
 * A Redis connection for BullMQ that fails at once when the server cannot be reached at start
 * (a wrong URL is the user's error, not a reason to retry for ever), and reconnects after that.
 */
export async function connectRedis(url: string): Promise<Redis> {
  let ready = false;
  const conn = new Redis(url, {
    maxRetriesPerRequest: null, lazyConnect: true, connectTimeout: 5000,
    retryStrategy: (times) => (ready ? Math.min(times * 200, 2000) : null),
  });
  let why: Error | null = null;
  conn.on('error', (e: Error) => { why = e; }); // (reported through the failed connect or the commands)
  try {
    await conn.connect();
  } catch (e) {
    conn.disconnect();
    throw why ?? e; // (the socket's own error, e.g. ECONNREFUSED, says more than "Connection is closed")
  }
  ready = true;
  return conn;
}
