// A sweep's trials on workers elsewhere, through a Redis queue (BullMQ): each trial is a job;
// its events come back through a Redis stream, and this side writes its run folder, so the
// workers need no shared file system. A worker that dies mid-trial is found by BullMQ (its lock
// lapses: a stalled job) and the trial goes to another worker, from the start: its first
// attempt's folder is closed as failed, saying so, and the new attempt gets a folder of its own
// (the sweep numbers it and settles the old folder when the new run-start arrives: run-sweep.ts).
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { Queue, QueueEvents } from 'bullmq';
import type { RunEndEvent, RunEvent } from '../../../../shared/events.ts';
import { PROTOCOL_VERSION } from '../../../../shared/events.ts';
import { createRunDir, RunWriter } from '../../run/run-folder.ts';
import type { TrialHandle, TrialOutcome, TrialRunner } from '../trial-runner.ts';
import { batchSchema, connectRedis, eventsKey, KEY_TTL_S, QUEUE_NAME, QUEUE_PROTOCOL, stopKey, type EventBatch } from './protocol.ts';

export interface QueueRunnerOptions {
  url: string;
  /** where the trials' run folders go */
  runsDir: string;
  /** relative data paths in the specs resolve from here, on the workers too */
  baseDir: string;
  sweep: string;
  /** trials queued at once */
  size: number;
}

interface Attempt { id: string; worker: string; runDir: string; writer: RunWriter; last: RunEvent | null; steps: number; epochs: number; started: number }
interface Tracked {
  jobId: string;
  spec: { name?: string };
  onEvent: (e: RunEvent, runDir: string) => void;
  attempt: Attempt | null;
  streamFrom: string;
  resolve: (o: TrialOutcome) => void;
  done: boolean;
}

export class QueueRunner implements TrialRunner {
  readonly size: number;
  private readonly conn: Redis;
  private readonly reader: Redis;
  private readonly queue: Queue;
  private readonly events: QueueEvents;
  private readonly tracked = new Map<string, Tracked>();
  private closing = false;
  private loop: Promise<void>;

  private constructor(private readonly opts: QueueRunnerOptions, conn: Redis) {
    this.size = opts.size;
    this.conn = conn;
    this.reader = conn.duplicate();
    this.queue = new Queue(QUEUE_NAME, { connection: conn });
    this.events = new QueueEvents(QUEUE_NAME, { connection: conn.duplicate() });
    // a job that ran out of attempts (stalled too often, refused on every worker): its trial failed
    this.events.on('failed', ({ jobId, failedReason }) => {
      const t = this.tracked.get(jobId);
      if (t) void this.drain(t).then(() => this.fail(t, failedReason));
    });
    this.loop = this.readLoop();
  }

  static async connect(opts: QueueRunnerOptions): Promise<QueueRunner> {
    return new QueueRunner(opts, await connectRedis(opts.url));
  }

  run(spec: unknown, onEvent: (e: RunEvent, runDir: string) => void = () => undefined): TrialHandle {
    const jobId = randomUUID();
    let resolve!: (o: TrialOutcome) => void;
    const done = new Promise<TrialOutcome>((r) => { resolve = r; });
    const t: Tracked = { jobId, spec: spec as { name?: string }, onEvent, attempt: null, streamFrom: '0', resolve, done: false };
    this.tracked.set(jobId, t);
    const name = (spec as { name?: string }).name ?? 'trial';
    void this.queue.add(name, { v: QUEUE_PROTOCOL, sweep: this.opts.sweep, trial: name, spec, baseDir: this.opts.baseDir }, {
      jobId, attempts: 3, removeOnComplete: true, removeOnFail: 100,
    }).catch((e: Error) => this.fail(t, `the queue refused the trial: ${e.message}`));
    return {
      done,
      stop: () => {
        void this.conn.multi().set(stopKey(jobId), '1').expire(stopKey(jobId), KEY_TTL_S).exec();
        // not taken by a worker yet: it never trains
        void this.queue.getJob(jobId).then(async (job) => {
          if (job && (await job.getState()) === 'waiting' && !t.attempt) {
            await job.remove().catch(() => undefined);
            this.finish(t, { status: 'stopped', reason: 'stopped before a worker took it', runId: null, runDir: null, end: null });
          }
        }).catch(() => undefined);
      },
    };
  }

  /** Reads the streams of every trial in flight, batch by batch, in order. */
  private async readLoop() {
    while (!this.closing) {
      const open = [...this.tracked.values()].filter((t) => !t.done);
      if (!open.length) { await new Promise((r) => setTimeout(r, 50)); continue; }
      let reply: [string, [string, string[]][]][] | null;
      try {
        reply = await this.reader.xread('COUNT', 100, 'BLOCK', 500, 'STREAMS', ...open.map((t) => eventsKey(t.jobId)), ...open.map((t) => t.streamFrom)) as typeof reply;
      } catch (e) {
        if (this.closing) return;
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      for (const [key, entries] of reply ?? []) {
        const t = open.find((x) => eventsKey(x.jobId) === key);
        if (!t) continue;
        for (const [id, fields] of entries) {
          t.streamFrom = id;
          this.onBatch(t, fields[fields.indexOf('b') + 1]);
        }
      }
    }
  }

  /** Whatever the stream still holds for a trial (a failure event may overtake the last batch). */
  private async drain(t: Tracked) {
    const entries = await this.conn.xrange(eventsKey(t.jobId), `(${t.streamFrom}`, '+').catch(() => []);
    for (const [id, fields] of entries) {
      t.streamFrom = id;
      this.onBatch(t, fields[fields.indexOf('b') + 1]);
    }
  }

  private onBatch(t: Tracked, raw: string | undefined) {
    if (t.done || raw === undefined) return;
    let parsed: unknown;
    try { parsed = JSON.parse(raw); } catch { return; }
    const b = batchSchema.safeParse(parsed);
    if (!b.success) return;
    const batch = b.data as unknown as EventBatch;
    if (batch.error !== undefined) {
      // this attempt could not train; the job fails (unrecoverable) and the failed event ends the trial
      this.endAttempt(t, 'failed', batch.error);
      t.attempt = null;
      this.fail(t, batch.error);
      return;
    }
    if (!t.attempt || t.attempt.id !== batch.attempt) {
      if (t.attempt) this.endAttempt(t, 'failed', `its worker (${t.attempt.worker}) was lost mid-trial; the trial was started again on ${batch.worker}`);
      const runDir = createRunDir(this.opts.runsDir, t.spec.name ?? 'trial');
      t.attempt = { id: batch.attempt, worker: batch.worker, runDir, writer: new RunWriter(runDir, t.spec), last: null, steps: 0, epochs: 0, started: Date.now() };
    }
    const a = t.attempt;
    for (const e of batch.events) {
      a.writer.write(e);
      a.last = e;
      if (e.type === 'step') a.steps = e.step + 1;
      if (e.type === 'epoch') a.epochs = e.epoch + 1;
      t.onEvent(e, a.runDir);
      if (e.type === 'run-end') {
        a.writer.close();
        void this.cleanup(t.jobId);
        this.finish(t, { status: e.status, reason: e.reason, runId: null, runDir: a.runDir, end: e });
        return;
      }
    }
  }

  /** Closes an attempt's folder that will get no more events, with a run-end saying why. */
  private endAttempt(t: Tracked, status: 'failed', reason: string) {
    const a = t.attempt;
    if (!a) return;
    const end: RunEndEvent = {
      v: PROTOCOL_VERSION, t: Date.now(), i: (a.last?.i ?? -1) + 1, type: 'run-end', status, reason, steps: a.steps, epochs: a.epochs,
      durationMs: Date.now() - a.started, final: { train: null, validation: null, test: null },
    };
    a.writer.write(end);
    a.writer.close();
    t.onEvent(end, a.runDir);
  }

  private fail(t: Tracked, reason: string) {
    if (t.done) return;
    const runDir = t.attempt?.runDir ?? null;
    if (t.attempt) this.endAttempt(t, 'failed', reason);
    void this.cleanup(t.jobId);
    this.finish(t, { status: 'failed', reason, runId: null, runDir, end: null });
  }

  private finish(t: Tracked, o: TrialOutcome) {
    if (t.done) return;
    t.done = true;
    this.tracked.delete(t.jobId);
    t.resolve({ ...o, runId: o.runDir ? o.runDir.split(/[\\/]/).pop()! : null });
  }

  private async cleanup(jobId: string) {
    await this.conn.del(eventsKey(jobId), stopKey(jobId)).catch(() => undefined);
  }

  async close(timeoutMs = 5000): Promise<void> {
    const open = [...this.tracked.values()];
    for (const t of open) void this.conn.multi().set(stopKey(t.jobId), '1').expire(stopKey(t.jobId), KEY_TTL_S).exec();
    const until = Date.now() + timeoutMs;
    while (this.tracked.size && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    for (const t of [...this.tracked.values()]) {
      await this.queue.remove(t.jobId).catch(() => 0);
      this.fail(t, 'the sweep ended before this trial did');
    }
    this.closing = true;
    await this.loop.catch(() => undefined);
    await Promise.all([this.queue.close(), this.events.close()]).catch(() => undefined);
    this.reader.disconnect();
    await this.conn.quit().catch(() => undefined);
  }
}
