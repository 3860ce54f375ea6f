// `trainscope worker`: takes trials from the Redis queue and trains them here, with this
// machine's best backend, streaming their events back in batches. The run folders are written by
// the coordinator, so workers need no shared file system. Killed mid-trial, its lock lapses and
// BullMQ hands the trial to another worker (a stalled job), which trains it from the start.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { validateSpec } from '../../../../shared/spec.ts';
import { stringifyJson } from '../../../../shared/json-number.ts';
import type { RunEvent } from '../../../../shared/events.ts';
import type { BackendChoice } from '../../backends/select.ts';
import { Trainer } from '../../train/trainer.ts';
import { connectRedis, eventsKey, jobDataSchema, KEY_TTL_S, LOCK_MS, QUEUE_NAME, stopKey, type EventBatch } from './protocol.ts';

const FLUSH_MS = 100;

export interface QueueWorkerOptions {
  url: string;
  backend: BackendChoice;
  /** told about each trial taken and finished */
  log?: (line: string) => void;
}

export interface RunningWorker {
  /** resolves once the worker has stopped taking trials; a trial it runs is handed back to the queue */
  close(): Promise<void>;
  readonly closed: Promise<void>;
}

export async function startQueueWorker(opts: QueueWorkerOptions): Promise<RunningWorker> {
  const connection = await connectRedis(opts.url);
  const me = `${hostname()}:${process.pid}`;
  const log = opts.log ?? (() => undefined);
  let current: Trainer | null = null;
  let shuttingDown = false;

  async function train(job: Job): Promise<{ status: string }> {
    const d = jobDataSchema.safeParse(job.data);
    if (!d.success) throw new UnrecoverableError(`job ${job.id}: not a Trainscope trial (${d.error.issues[0]?.message})`);
    const attempt = randomUUID();
    const key = eventsKey(job.id!);
    const send = async (b: EventBatch) => {
      await connection.multi().xadd(key, '*', 'b', stringifyJson(b)).expire(key, KEY_TTL_S).exec();
    };
    const v = validateSpec(d.data.spec);
    if (!v.ok) {
      const error = `spec: ${v.issues[0].path}: ${v.issues[0].message}`;
      await send({ attempt, worker: me, events: [], error });
      throw new UnrecoverableError(error);
    }
    const trainer = new Trainer({ spec: v.spec, baseDir: d.data.baseDir, backend: opts.backend });
    try {
      await trainer.prepare();
    } catch (e) {
      const error = `${me}: ${(e as Error).message}`;
      await send({ attempt, worker: me, events: [], error });
      throw new UnrecoverableError(error);
    }
    log(`${d.data.trial} (${d.data.sweep}): training on ${trainer.backend.name}`);
    current = trainer;
    let batch: RunEvent[] = [];
    let sending: Promise<void> = Promise.resolve();
    const flush = () => {
      if (!batch.length) return sending;
      const events = batch;
      batch = [];
      // (batches leave in order: each waits for the one before)
      sending = sending.then(() => send({ attempt, worker: me, events }));
      return sending;
    };
    const timer = setInterval(() => {
      void flush().catch(() => undefined);
      void connection.get(stopKey(job.id!)).then((s) => { if (s) trainer.stop(); }, () => undefined);
    }, FLUSH_MS);
    trainer.on((e) => batch.push(e));
    try {
      const end = await trainer.run({ runId: d.data.trial });
      if (shuttingDown && end.status === 'stopped') {
        // stopped because this worker is going away, not because the sweep asked: another worker
        // takes it, and this attempt's run-end must not reach the coordinator as the trial's end
        batch = batch.filter((e) => e.type !== 'run-end');
        await flush();
        throw new Error(`${me} shut down mid-trial`);
      }
      await flush();
      log(`${d.data.trial}: ${end.status}`);
      return { status: end.status };
    } finally {
      clearInterval(timer);
      trainer.built?.model.dispose();
      current = null;
    }
  }

  const worker = new Worker(QUEUE_NAME, train, {
    connection, concurrency: 1, lockDuration: LOCK_MS, stalledInterval: Math.max(1000, LOCK_MS / 2), maxStalledCount: 2,
  });
  worker.on('error', (e) => log(`queue: ${e.message}`));
  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => { resolveClosed = r; });
  return {
    closed,
    async close() {
      shuttingDown = true;
      current?.stop();
      await worker.close();
      await connection.quit().catch(() => undefined);
      resolveClosed();
    },
  };
}
