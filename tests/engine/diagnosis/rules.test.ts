// Each rule of the diagnosis, checked on recorded runs (tests/fixtures/diagnosis/recorded, made by
// scripts/record-diagnosis-fixtures.ts from real training runs of the suite's specs). The
// diagnoser replays each log's events, as `trainscope inspect` does; the live findings recorded
// in the log must match the replay.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEvent, type RunEvent, type RunStartEvent } from '../../../shared/events.ts';
import type { Finding } from '../../../shared/diagnosis/finding.ts';
import type { Diagnosis } from '../../../shared/diagnosis/diagnosis.ts';
import { Diagnoser, diagnoseRun } from '../../../main/engine/diagnosis/diagnoser.ts';
import { contradictions } from '../../../main/engine/diagnosis/consistency.ts';
import { stringifyJson } from '../../../shared/json-number.ts';

const DIR = join(__dirname, '../../fixtures/diagnosis/recorded');

function recorded(name: string) {
  const events = readFileSync(join(DIR, `${name}.jsonl`), 'utf8').split('\n').filter(Boolean).map((l) => {
    const r = parseEvent(JSON.parse(l));
    if (!r.ok) throw new Error(`${name}: ${r.error}`);
    return r.event;
  });
  const input = events.filter((e) => e.type !== 'finding' && e.type !== 'diagnosis');
  const replay = diagnoseRun(input);
  const spec = (events.find((e) => e.type === 'run-start') as RunStartEvent).spec;
  const live = new Map<string, Finding>();
  let liveDiagnosis: Diagnosis | null = null;
  for (const e of events) {
    if (e.type === 'finding') live.set(e.finding.id, e.finding);
    if (e.type === 'diagnosis') liveDiagnosis = e.diagnosis;
  }
  const end = events.find((e): e is Extract<RunEvent, { type: 'run-end' }> => e.type === 'run-end')!;
  return { events, input, spec, replay, live: [...live.values()], liveDiagnosis, end };
}

const fixes = (fs: { remedies: { fix?: string }[] }[]) => fs.flatMap((f) => f.remedies.map((r) => r.fix).filter(Boolean));

describe('cause before symptoms', () => {
  it('a learning rate too high that killed ReLUs is named as the cause, with the dead units under it, not as "too low"', () => {
    const r = recorded('hidden-relu-sgd-lr5');
    const c = r.replay.diagnosis.cause!;
    expect(c.kind).toBe('lr_too_high');
    expect(c.chain[0]).toBe('lr_too_high');
    expect(c.chain).toContain('dead_units');
    // the units were alive at initialisation and died after the large updates
    const dead = r.replay.findings.find((f) => f.kind === 'dead_units')!;
    expect(dead.evidence[0]).toMatch(/alive at initialisation/);
    for (const l of dead.perLayer!) expect(l.step).toBeGreaterThanOrEqual(c.links[0].step); // died at or after the large updates
    expect(c.links[0].text).toMatch(/update ratio/);
    expect(r.replay.findings.map((f) => f.kind)).not.toContain('lr_too_low');
    expect(fixes([...r.replay.findings, c])).not.toContain('raise_lr');
  });

  it('units dead at step 0 (a negative bias) are a set-up cause, and explain the vanishing gradients and small updates', () => {
    const r = recorded('hidden-negative-bias');
    const c = r.replay.diagnosis.cause!;
    expect(c.kind).toBe('dead_at_init');
    expect(c.remedies[0].fix).toBe('zero_bias');
    expect(c.explains).toEqual(expect.arrayContaining(['dead_units', 'vanishing_gradients']));
    expect(r.replay.findings.map((f) => f.kind)).not.toContain('lr_too_low');
    expect(fixes([...r.replay.findings, c])).not.toContain('raise_lr');
    expect(r.replay.diagnosis.groups.filter((g) => g.explainedBy === null && g.severity !== 'info')).toEqual([]);
  });

  it('unscaled inputs are named before the learning rate whose large updates they cause', () => {
    const r = recorded('nan-loss');
    expect(r.replay.diagnosis.cause!.kind).toBe('inputs_not_scaled');
    expect(r.replay.diagnosis.cause!.remedies[0].fix).toBe('standardize_inputs');
    expect(r.replay.diagnosis.cause!.alternatives.map((a) => a.kind)).toContain('lr_too_high');
  });

  it('a deep sigmoid stack is named for the vanishing gradient, and He initialisation is never offered to sigmoid layers', () => {
    const r = recorded('vanishing-deep-sigmoid');
    expect(r.replay.diagnosis.cause!.kind).toBe('deep_saturating_stack');
    expect(fixes([...r.replay.findings, r.replay.diagnosis.cause!])).not.toContain('he_init');
  });

  it('small updates while units are alive and gradients flow are a learning rate too low', () => {
    const r = recorded('hidden-lr-too-low-deep');
    const c = r.replay.diagnosis.cause!;
    expect(c.kind).toBe('lr_too_low');
    expect(c.remedies.map((x) => x.fix)).toContain('raise_lr');
    expect(c.remedies.map((x) => x.fix)).not.toContain('adam'); // the run uses Adam already
  });

  it('weights of the wrong scale: tanh units saturated at step 0 name the initialisation, and Glorot is the fix', () => {
    const r = recorded('hidden-big-init-deep-tanh');
    const c = r.replay.diagnosis.cause!;
    expect(c.kind).toBe('bad_init_scale');
    expect(c.links[0].step).toBe(0);
    expect(c.links[0].text).toMatch(/saturated at initialisation/);
    expect(c.remedies[0].fix).toBe('glorot_init');
    expect(c.explains).toContain('saturated_units');
  });

  it('unscaled inputs into sigmoid units: the saturation is explained by the inputs, and standardising is the fix', () => {
    const r = recorded('hidden-unscaled-sigmoid');
    const c = r.replay.diagnosis.cause!;
    expect(c.kind).toBe('inputs_not_scaled');
    expect(c.remedies[0].fix).toBe('standardize_inputs');
    expect(r.replay.diagnosis.groups.find((g) => g.kind === 'saturated_units')?.explainedBy).toBe('inputs_not_scaled');
  });

  it('an output that does not match the loss is the cause, whatever else the run shows', () => {
    const r = recorded('hidden-sigmoid-output-cce');
    expect(r.replay.diagnosis.cause!.kind).toBe('output_loss_mismatch');
    expect(r.replay.diagnosis.cause!.remedies[0].fix).toBe('softmax_output');
    expect(r.replay.diagnosis.cause!.confidence).toBeGreaterThan(0.9);
  });

  it('underfitting is an outcome: heavy dropout names the regularisation, a linear model on spirals names the capacity', () => {
    const drop = recorded('hidden-heavy-dropout').replay.diagnosis;
    expect(drop.cause!.kind).toBe('over_regularized');
    expect(drop.cause!.remedies[0].fix).toBe('less_regularization');
    expect(drop.groups.find((g) => g.kind === 'underfitting')?.explainedBy).toBe('over_regularized');
    const lin = recorded('underfitting-linear-spirals').replay.diagnosis;
    expect(lin.cause!.kind).toBe('too_little_capacity');
    expect(lin.cause!.remedies[0].fix).toBe('more_capacity');
  });

  it('a schedule that raised the rate is named with the rate the run used, and a constant rate is the first fix', () => {
    const r = recorded('hidden-schedule-grows');
    const c = r.replay.diagnosis.cause!;
    expect(c.kind).toBe('lr_too_high');
    expect(c.title).toMatch(/piecewise schedule raised the learning rate too high \(20 with sgd at step \d+, from 0\.05\)/);
    expect(c.remedies[0].fix).toBe('constant_schedule');
    expect(c.links[0].text).toMatch(/large updates from step \d+: .* at learning rate 20/);
  });

  it('a schedule that decayed the rate to nothing: a constant rate, never a higher starting rate (the schedule would decay it too)', () => {
    const r = recorded('hidden-schedule-decays');
    const c = r.replay.diagnosis.cause!;
    expect(c.kind).toBe('lr_too_low');
    expect(c.title).toMatch(/exponential schedule decayed the learning rate too far/);
    expect(fixes([...r.replay.findings, c])).not.toContain('raise_lr');
    expect(c.remedies.map((x) => x.fix)).toEqual(['constant_schedule']);
  });

  it('a confident sigmoid output layer is not "saturated units"', () => {
    const r = recorded('healthy-sigmoid-output');
    expect(r.replay.findings.map((f) => f.kind)).not.toContain('saturated_units');
    expect(r.replay.diagnosis.cause).toBeNull();
  });

  it('a healthy run has no cause and no warnings', () => {
    const r = recorded('healthy-relu-he');
    expect(r.replay.diagnosis.cause).toBeNull();
    expect(r.replay.findings.filter((f) => f.severity !== 'info')).toEqual([]);
  });
});

describe('consistency', () => {
  const names = ['hidden-relu-sgd-lr5', 'hidden-tanh-adam-lr5', 'hidden-negative-bias', 'hidden-softmax-lr1e3', 'nan-loss', 'vanishing-deep-sigmoid', 'inputs-not-scaled',
    'hidden-lr-too-low-deep', 'hidden-big-init-deep-tanh', 'hidden-unscaled-sigmoid', 'hidden-sigmoid-output-cce', 'hidden-heavy-dropout', 'underfitting-linear-spirals',
    'hidden-schedule-grows', 'hidden-schedule-decays'];

  it.each(names)('%s: no advice contradicts the spec or another finding', (name) => {
    const r = recorded(name);
    expect(contradictions(r.spec, r.replay.findings, r.replay.diagnosis)).toEqual([]);
  });

  it('never advises a higher learning rate in a run whose updates were too large, even with Adam and tiny later updates', () => {
    const r = recorded('hidden-tanh-adam-lr5');
    expect(r.replay.diagnosis.cause!.kind).toBe('lr_too_high');
    expect(fixes([...r.replay.findings, r.replay.diagnosis.cause!])).not.toContain('raise_lr');
    expect(fixes([...r.replay.findings, r.replay.diagnosis.cause!])).not.toContain('adam');
  });

  it.each(names)('%s: a title states the number that triggered it, and the first evidence line states it too', (name) => {
    for (const f of recorded(name).replay.findings) {
      if (f.value === undefined || !Number.isFinite(f.value) || !f.metric) continue;
      const shown = f.metric.format === 'pct' ? `${(f.value * 100).toFixed(f.value < 0.1 ? 1 : 0)}%` : null;
      if (shown) expect(f.title).toContain(shown);
      expect(f.evidence[0].length).toBeGreaterThan(10);
    }
    // an "Exploding gradients" title is only ever about the gradient norm
    for (const f of recorded(name).replay.findings.filter((x) => x.kind === 'exploding_gradients')) expect(f.metric?.id).toBe('grad_norm');
  });

  it('the contradiction checker catches what it is for', () => {
    const r = recorded('hidden-relu-sgd-lr5');
    const bad: Finding[] = r.replay.findings.map((f) => (f.kind === 'dead_units' ? { ...f, remedies: [...f.remedies, { text: 'x', fix: 'raise_lr' }, { text: 'y', fix: 'standardize_inputs' }] } : f));
    const why = contradictions(r.spec, bad, r.replay.diagnosis).map((c) => c.why).join('\n');
    expect(why).toMatch(/higher learning rate in a run that showed it too high/);
    expect(why).toMatch(/changes nothing/); // the spec standardises already
    const titled = r.replay.findings.map((f) => (f.kind === 'dead_units' ? { ...f, title: 'Some units dead' } : f));
    expect(contradictions(r.spec, titled, r.replay.diagnosis).map((c) => c.why).join('\n')).toMatch(/does not state its value/);
  });
});

describe('divergence', () => {
  it('classification at lr 1e3 ends diverged (the loss never fell, the updates exploded), not completed', () => {
    const r = recorded('hidden-softmax-lr1e3');
    expect(r.end.status).toBe('diverged');
    expect(r.end.reason).toMatch(/update .* the size of .* weights/);
    expect(r.replay.diverged?.reason).toBe(r.end.reason);
    expect(r.replay.diagnosis.cause!.kind).toBe('lr_too_high');
  });

  it('runs that never learn after huge updates are stopped; a healthy run completes', () => {
    expect(recorded('hidden-tanh-adam-lr5').end.status).toBe('diverged'); // (Adam at 5 never learns spirals)
    expect(recorded('hidden-relu-sgd-lr5').end.status).toBe('diverged');
    expect(recorded('healthy-relu-he').end.status).toBe('completed');
  });
});

describe('a loss that spikes but keeps learning is not diverging', () => {
  // The healthy run's set-up, with its step losses replaced: falling from ln 4 to ~0.05, with
  // spikes to 0.4 every 40 steps (a deep tanh net with a poor initialisation that still learns).
  const steps = (f: (i: number) => number) => Array.from({ length: 400 }, (_, i) => ({ v: 2, t: i, type: 'step' as const, step: i, epoch: Math.floor(i / 100), loss: f(i), lr: 0.01 }));
  const base = recorded('healthy-relu-he').input.filter((e) => e.type === 'run-start' || e.type === 'init');
  const kinds = (loss: (i: number) => number) => diagnoseRun([...base, ...steps(loss)]).findings.map((f) => f.kind);

  it('spikes on a falling loss: no "diverging"', () => {
    expect(kinds((i) => 0.05 + 1.33 * Math.exp(-i / 30) + (i % 40 < 8 && i > 60 ? 0.4 : 0))).not.toContain('lr_too_high');
  });

  it('a loss that climbs back to where it started and stays there: "diverging", with the numbers', () => {
    const f = diagnoseRun([...base, ...steps((i) => (i < 100 ? 1.38 - i * 0.01 : 1.6))]).findings.find((x) => x.kind === 'lr_too_high');
    expect(f?.title).toMatch(/The loss is diverging: it rose from 0\.\d+ to 1\.\d+/);
  });
});

describe('grouping', () => {
  it('one finding per kind, listing each affected layer with its own numbers and a sparkline', () => {
    const r = recorded('hidden-negative-bias');
    const kinds = r.replay.findings.map((f) => f.kind);
    expect(new Set(kinds).size).toBe(kinds.length);
    const dead = r.replay.findings.find((f) => f.kind === 'dead_units')!;
    expect(dead.layers.length).toBeGreaterThanOrEqual(2);
    expect(dead.perLayer!.map((l) => l.layer)).toEqual(dead.layers);
    for (const l of dead.perLayer!) {
      expect(l.series.length).toBeGreaterThan(1);
      expect(l.series.length).toBeLessThanOrEqual(48);
      expect(l.seriesSteps).toHaveLength(l.series.length);
    }
    expect(dead.evidence).toHaveLength(dead.layers.length);
  });

  it('the live findings (re-sent as they grew) end as the replay ends', () => {
    for (const name of ['hidden-negative-bias', 'hidden-relu-sgd-lr5', 'nan-loss']) {
      const r = recorded(name);
      expect(r.live.map((f) => [f.id, f.title])).toEqual(r.replay.findings.map((f) => [f.id, f.title]));
      expect(r.liveDiagnosis?.cause?.kind).toBe(r.replay.diagnosis.cause?.kind);
    }
  });
});

describe('NaN and Infinity in the log', () => {
  it('survive the round trip as "NaN"/"Infinity", so replayed titles match the live ones', () => {
    const r = recorded('nan-loss');
    const raw = readFileSync(join(DIR, 'nan-loss.jsonl'), 'utf8');
    expect(raw).toMatch(/"loss":"(Infinity|NaN)"/);
    const live = r.live.find((f) => f.kind === 'non_finite')!;
    const replayed = r.replay.findings.find((f) => f.kind === 'non_finite')!;
    expect(live.title).toMatch(/The loss became (NaN|Infinity)/);
    expect(replayed.title).toBe(live.title);
    const step = r.events.find((e): e is Extract<RunEvent, { type: 'non-finite' }> => e.type === 'non-finite')!;
    expect(Number.isFinite(step.value)).toBe(false);
    expect(typeof step.value).toBe('number');
  });

  it('stringifyJson writes them as strings and parseEvent reads numbers back', () => {
    const line = stringifyJson({ v: 2, t: 1, type: 'step', step: 3, epoch: 0, loss: Number.NaN, lr: 0.1 });
    expect(line).toContain('"loss":"NaN"');
    const e = parseEvent(JSON.parse(line));
    expect(e.ok && e.event.type === 'step' && Number.isNaN(e.event.loss)).toBe(true);
  });
});

describe('the diagnoser as a stream', () => {
  it('sends the diagnosis when the cause changes, with vitals for the layers', () => {
    const r = recorded('hidden-relu-sgd-lr5');
    const sent: Diagnosis[] = [];
    const d = new Diagnoser(() => {}, (x) => sent.push(structuredClone(x)));
    for (const e of r.input) d.ingest(e);
    expect(sent.length).toBeGreaterThan(1);
    expect(sent.at(-1)!.cause?.kind).toBe('lr_too_high');
    const v = sent.at(-1)!.vitals!;
    expect(Object.keys(v.layers)).toContain('dense_1');
    expect(v.layers.dense_1.dead_fraction).toBeGreaterThanOrEqual(0);
    expect(typeof v.model.update_ratio).toBe('number');
    expect(v.step).toBeGreaterThan(0);
  });
});
