// `trainscope sweep-inspect <sweepDir>`: what a sweep found, from its sweep.jsonl alone: the
// trials, the best configuration, and how much each parameter mattered (rank correlation with
// the metric, and the share of the metric's variance it explains).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../engine/errors.ts';
import { SWEEP_LOG, trialId, type TrialRow, type TrialStatus } from '../../engine/sweep/run-sweep.ts';
import { missingStart, parseSweepLog, resumeState, skippedWarning } from '../../../shared/sweep/log.ts';
import { parameterImportance } from '../../../shared/sweep/importance.ts';
import type { SweepSpec } from '../../../shared/sweep/sweep-spec.ts';
import { stringifyJson } from '../../../shared/json-number.ts';
import { tableLines } from './sweep-table.ts';

export interface SweepRead {
  sweep: SweepSpec;
  trials: TrialRow[];
  ended: boolean;
  firstRung: Map<string, number | null>;
  /** one line about records that could not be read and were left out */
  warning: string | null;
}

export function readSweep(dir: string): SweepRead {
  const file = join(dir, SWEEP_LOG);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(dir, (e as NodeJS.ErrnoException).code === 'ENOENT' ? `no ${SWEEP_LOG} here: not a sweep folder` : (e as Error).message);
  }
  const { records, skipped } = parseSweepLog(text);
  const start = records.find((r) => r.type === 'sweep-start') as { sweep: SweepSpec } | undefined;
  if (!start) throw new InputError(file, missingStart(skipped));
  const state = resumeState(records);
  const rungs = new Map<string, number>();
  for (const r of records) if (r.type === 'rung') rungs.set(r.trial, r.epoch); // (the epochs, as the live table shows it)
  const trials = state.configs.map((params, i): TrialRow => {
    const trial = trialId(i, state.configs.length);
    const f = state.finished.get(trial);
    return {
      trial, params, rung: rungs.get(trial) ?? null,
      status: (f?.status ?? (state.started.has(trial) ? 'running' : 'queued')) as TrialStatus,
      epochs: f?.epochs ?? 0, metric: f?.metric ?? null, runDir: f?.runDir ? join(dir, f.runDir) : null, attempt: state.attempts.get(trial) ?? 0,
    };
  });
  // each trial's metric at the first rung, where successive halving gave every trial the same budget
  const firstRung = new Map<string, number | null>();
  for (const r of records) if (r.type === 'rung' && r.rung === 0 && !firstRung.has(r.trial)) firstRung.set(r.trial, r.metric);
  return { sweep: start.sweep, trials, ended: records.some((r) => r.type === 'sweep-end'), firstRung, warning: skippedWarning(file, skipped) };
}

export async function sweepInspectCommand(dir: string, json: boolean): Promise<number> {
  const { sweep, trials, ended, firstRung, warning } = readSweep(dir);
  if (warning) process.stderr.write(`${warning}\n`);
  const scored = trials.filter((t) => t.metric !== null && Number.isFinite(t.metric) && t.status !== 'failed' && t.status !== 'stopped');
  const better = (a: number, b: number) => (sweep.goal === 'minimize' ? a < b : a > b);
  const best = scored.reduce<TrialRow | null>((b, t) => (!b || better(t.metric!, b.metric!) ? t : b), null);
  // (under successive halving, trials are compared where they all had the same budget: the first rung)
  const asha = sweep.method === 'asha';
  const importance = parameterImportance(trials.map((t) => ({ params: t.params, metric: t.status === 'failed' ? null : asha ? firstRung.get(t.trial) ?? null : t.metric })), sweep.goal);
  if (json) {
    process.stdout.write(`${stringifyJson({ dir, name: sweep.name, method: sweep.method, metric: sweep.metric, goal: sweep.goal, ended, best, trials, importance, ...(warning ? { warnings: [warning] } : {}) })}\n`);
    return 0;
  }
  const out = process.stdout;
  out.write(`${sweep.name}: ${sweep.method}, ${trials.length} trials (${scored.length} with a ${sweep.metric}), ${ended ? 'finished' : 'not finished (run the sweep again to resume it)'}\n\n`);
  out.write(`${tableLines(trials, sweep.metric).join('\n')}\n\n`);
  if (best) out.write(`best: ${best.trial}, ${sweep.metric} ${best.metric!.toFixed(4)}\n${Object.entries(best.params).map(([k, v]) => `  ${k} = ${stringifyJson(v)}`).join('\n')}\n  ${best.runDir ?? ''}\n\n`);
  // (with a handful of trials a parameter that does nothing still gets a large share by chance)
  if (importance.used < 12) out.write(`note: ${importance.used} trials are too few to tell how much each parameter matters; the shares below are mostly chance\n`);
  out.write(`parameter importance (from ${importance.used} trials${asha ? `, by their ${sweep.metric} at the first rung (${sweep.asha!.minEpochs} epoch(s)), where all had the same budget` : ''}):\n`);
  for (const p of importance.parameters) {
    out.write(`  ${p.path.padEnd(36)} variance explained ${(p.varianceExplainedAdjusted * 100).toFixed(0).padStart(3)}% (${(p.varianceExplained * 100).toFixed(0)}% before the chance share)${p.spearman !== null ? `   rank correlation ${p.spearman >= 0 ? '+' : ''}${p.spearman.toFixed(2)}${p.direction ? `, ${p.direction}` : ''}` : ''}\n`);
  }
  return 0;
}
