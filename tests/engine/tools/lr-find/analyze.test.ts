// The range test's arithmetic on made-up curves whose answers are known: a loss that falls like a
// sigmoid in log10(lr) with its steepest point at x0, then blows up exponentially.
import { describe, expect, it } from 'vitest';
import { analyzeRange, DivergenceWatch, halfWindow, localLinear, rangeLr, watchBeta } from '../../../../main/engine/tools/lr-find/analyze.ts';
import { normal, rng } from '../../../../main/engine/seed.ts';
import { lrFindTool } from '../../../../shared/tools/lr-find/definition.ts';
import { parseToolOptions } from '../../../../shared/tools/framework/define.ts';

const N = 100;
const lrs = Array.from({ length: N }, (_, i) => rangeLr(i, N, 1e-6, 10));
const log = Math.log10;

/** 0.4 + 1.9 * (falling sigmoid centred on x0, 0.35 decades wide) + exp(4 (x - blowAt)) + noise */
function curve(x0: number, o: { noise?: number; seed?: number; blowAt?: number } = {}): number[] {
  const g = normal(rng(o.seed ?? 1));
  return lrs.map((lr) => 0.4 + 1.9 / (1 + Math.exp((log(lr) - x0) / 0.35)) + (o.blowAt !== undefined ? Math.exp(4 * (log(lr) - o.blowAt)) : 0) + (o.noise ?? 0) * g());
}

/** Runs the online stop rule over a curve as the tool does: the step it stops at, or null. */
function watch(losses: number[], stopFactor = 4): number | null {
  const w = new DivergenceWatch(stopFactor, watchBeta(losses.length));
  for (let i = 0; i < losses.length; i++) if (w.push(losses[i])) return i;
  return null;
}

describe('the rate schedule', () => {
  it('spaces N rates evenly in log from minLr to maxLr, both included', () => {
    expect(lrs[0]).toBeCloseTo(1e-6, 15);
    expect(lrs[N - 1]).toBeCloseTo(10, 10);
    for (let i = 1; i < N; i++) expect(log(lrs[i]) - log(lrs[i - 1])).toBeCloseTo(7 / (N - 1), 10);
  });
});

describe('the steepest point', () => {
  it('is recovered on a clean curve within one step, where a causal EMA lags by about half a decade or more', () => {
    for (const x0 of [-4, -2.5, -1]) {
      const y = curve(x0, { blowAt: x0 + 2.5 });
      const a = analyzeRange({ lrs, losses: y, divergedAt: null, specLr: 1e-3 });
      expect(Math.abs(log(a.suggested!) - x0)).toBeLessThanOrEqual(7 / (N - 1) + 1e-9);
      expect(a.steepest.lr).toBe(a.suggested);
      // the fastai-style smoothing (debiased EMA, beta 0.98) differentiated instead: its steepest point trails
      let avg = 0;
      const ema = y.map((v, i) => (avg = 0.98 * avg + 0.02 * v) / (1 - 0.98 ** (i + 1)));
      let iEma = 1;
      for (let i = 1; i < N - 1; i++) if (ema[i + 1] - ema[i - 1] < ema[iEma + 1] - ema[iEma - 1]) iEma = i;
      expect(log(lrs[iEma]) - x0).toBeGreaterThan(0.45);
    }
  });

  it('is recovered on noisy curves within 0.2 decades (noise 0.05, the fall 1.9)', () => {
    for (const x0 of [-4, -3, -2.5, -2, -1.5]) {
      for (let seed = 1; seed <= 10; seed++) {
        const a = analyzeRange({ lrs, losses: curve(x0, { noise: 0.05, seed, blowAt: x0 + 2.5 }), divergedAt: null, specLr: 1e-3 });
        expect(Math.abs(log(a.suggested!) - x0), `x0 ${x0} seed ${seed}`).toBeLessThan(0.2);
      }
    }
  });

  it('the smoothing does not lag: a straight line comes back as itself, slope and all', () => {
    const x = lrs.map(log), y = x.map((v) => 3 - 0.5 * v);
    const { value, slope } = localLinear(x, y, halfWindow(N));
    value.forEach((v, i) => expect(v).toBeCloseTo(y[i], 9));
    slope.forEach((s) => expect(s).toBeCloseTo(-0.5, 9));
  });

  it('the minimum stays before the blow-up, near the clean curve\'s own minimum, and the suggestion below both', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const y = curve(-3, { noise: 0.05, seed, blowAt: -0.5 });
      const d = watch(y)!;
      const a = analyzeRange({ lrs: lrs.slice(0, d + 1), losses: y.slice(0, d + 1), divergedAt: d, specLr: 1e-3 });
      const clean = curve(-3, { blowAt: -0.5 });
      const trueMin = lrs[clean.indexOf(Math.min(...clean))];
      expect(Math.abs(log(a.minimum.lr) - log(trueMin))).toBeLessThan(0.5);
      expect(a.minimum.lr).toBeLessThan(a.diverged!.lr);
      expect(a.suggested!).toBeLessThan(a.minimum.lr);
      expect(a.notes.some((n) => /tenth of the minimum's rate, gives/.test(n))).toBe(true);
    }
  });
});

describe('divergence', () => {
  it('stops once the running loss passes stopFactor x its minimum: soon after the clean loss does, never before', () => {
    const y = curve(-3, { noise: 0.05, seed: 2, blowAt: -0.5 });
    const clean = curve(-3, { blowAt: -0.5 });
    const d = watch(y)!;
    expect(d).not.toBeNull();
    const lowest = clean.indexOf(Math.min(...clean));
    const cross = clean.findIndex((v, i) => i > lowest && v > 4 * clean[lowest]);
    expect(cross).toBeGreaterThan(lowest);
    expect(d).toBeGreaterThanOrEqual(cross - 1);
    expect(d).toBeLessThanOrEqual(cross + 5);
    const a = analyzeRange({ lrs: lrs.slice(0, d + 1), losses: y.slice(0, d + 1), divergedAt: d, specLr: 1e-3 });
    expect(a.diverged).toEqual({ lr: lrs[d], step: d });
    // a larger stop factor lets the test go further
    expect(watch(y, 8)!).toBeGreaterThan(d);
  });

  it('stops at the first loss that is not finite; the analysis reads the finite part', () => {
    const y = curve(-3, { noise: 0.05, seed: 3 }).slice(0, 70);
    y.push(NaN);
    expect(watch(y)).toBe(70);
    expect(watch([...y.slice(0, 70), Infinity])).toBe(70);
    const a = analyzeRange({ lrs: lrs.slice(0, 71), losses: y, divergedAt: 70, specLr: 1e-3 });
    expect(a.smoothed).toHaveLength(71);
    expect(a.smoothed[70]).toBeNaN();
    expect(a.smoothed.slice(0, 70).every(Number.isFinite)).toBe(true);
    expect(a.diverged).toEqual({ lr: lrs[70], step: 70 });
    expect(Math.abs(log(a.suggested!) + 3)).toBeLessThan(0.2);
  });

  it('a loss that falls and levels off never stops the test: no divergence point', () => {
    const y = curve(-3, { noise: 0.05, seed: 4 });
    expect(watch(y)).toBeNull();
    const a = analyzeRange({ lrs, losses: y, divergedAt: null, specLr: 1e-3 });
    expect(a.diverged).toBeNull();
    expect(a.notes.some((n) => /did not blow up/.test(n))).toBe(true);
  });

  it('the running loss does not stop the test on noise alone, even a noisy low loss', () => {
    for (let seed = 1; seed <= 10; seed++) expect(watch(curve(-3, { noise: 0.1, seed }))).toBeNull();
  });
});

describe('no suggestion when the loss does not fall', () => {
  it('a flat noisy curve: suggested null, the spec\'s lr unknown, and a note saying why', () => {
    const g = normal(rng(9));
    const y = lrs.map(() => 2.3 + 0.05 * g());
    const a = analyzeRange({ lrs, losses: y, divergedAt: null, specLr: 1e-3 });
    expect(a.suggested).toBeNull();
    expect(a.specLrStatus).toBe('unknown');
    expect(a.notes[0]).toMatch(/never fell/);
  });

  it('a test that blows up within a few steps: too few points to read a slope', () => {
    const a = analyzeRange({ lrs: lrs.slice(0, 6), losses: [2.3, 2.2, 2.4, 5, 9, NaN], divergedAt: 5, specLr: 1e-3 });
    expect(a.suggested).toBeNull();
    expect(a.notes[0]).toMatch(/only 5 steps/);
  });
});

describe("the spec's learning rate against the test", () => {
  // steepest at 1e-3, blow-up from about 0.1
  const y = curve(-3, { noise: 0.03, seed: 5, blowAt: -0.5 });
  const d = watch(y)!;
  const run = (specLr: number) => analyzeRange({ lrs: lrs.slice(0, d + 1), losses: y.slice(0, d + 1), divergedAt: d, specLr, range: { minLr: 1e-6, maxLr: 10 } });
  const s = run(1e-3).suggested!;
  const div = run(1e-3).diverged!.lr;

  it('sets up as intended: the suggestion near 1e-3, the blow-up more than 10x above it', () => {
    expect(Math.abs(log(s) + 3)).toBeLessThan(0.2);
    expect(div).toBeGreaterThan(20 * s);
  });

  it('more than 10x the suggestion and at or above the blow-up: diverges in the range test', () => {
    for (const lr of [div, div * 3]) {
      const a = run(lr);
      expect(a.specLrStatus).toBe('diverges');
      expect(a.verdict).toMatch(/diverges in the range test/);
    }
  });

  it('more than 10x the suggestion but below the blow-up: high, not diverging', () => {
    const a = run(Math.min(12 * s, div * 0.9));
    expect(a.specLrStatus).toBe('high');
    expect(a.verdict).toMatch(/is high: .*below where the loss blew up/);
  });

  it('at or above the blow-up while within 10x of the suggestion: high, and says so', () => {
    // the verdict reads only where the blow-up was: one recorded at 5x the suggestion
    const k = lrs.findIndex((lr) => lr >= 5 * s);
    const a = analyzeRange({ lrs, losses: y, divergedAt: k, specLr: lrs[k] });
    expect(a.suggested).toBe(s);
    expect(a.specLrStatus).toBe('high');
    expect(a.verdict).toMatch(/at or above where the loss blew up/);
  });

  it('more than 30x below the suggestion: probably too low', () => {
    const a = run(s / 31);
    expect(a.specLrStatus).toBe('low');
    expect(a.verdict).toMatch(/probably too low/);
  });

  it('from 1/30 to 10x the suggestion (and below the blow-up): within the sane band', () => {
    for (const lr of [s / 29, s / 3, s, 3 * s, 9.9 * s]) {
      const a = run(lr);
      expect(a.specLrStatus, String(lr)).toBe('ok');
      expect(a.verdict).toMatch(/within the sane band/);
    }
  });

  it('notes a spec lr outside the tested range', () => {
    expect(run(1e-7).notes.some((n) => /outside the tested range/.test(n))).toBe(true);
    expect(run(1e-3).notes.some((n) => /outside the tested range/.test(n))).toBe(false);
  });
});

describe('options and result format', () => {
  it('every option is optional; maxLr must be at least 10x minLr, and the message names both flags', () => {
    expect(lrFindTool.options.safeParse({}).success).toBe(true);
    expect(lrFindTool.options.safeParse({ steps: 60, minLr: 1e-5, maxLr: 1, stopFactor: 3 }).success).toBe(true);
    const bad = parseToolOptions(lrFindTool, { minLr: 1, maxLr: 0.1 });
    expect(bad).toEqual({ ok: false, error: 'lr-find option --minLr: --maxLr (0.1) must be at least 10x --minLr (1): the test spans decades of learning rates' });
    // against the default of the other one
    expect(parseToolOptions(lrFindTool, { maxLr: 1e-7 })).toMatchObject({ ok: false, error: expect.stringMatching(/--maxLr \(1e-7\) must be at least 10x --minLr \(0\.000001\)/) });
    // a range narrower than a decade would read ordinary training progress as the steepest fall
    expect(parseToolOptions(lrFindTool, { minLr: 1e-3, maxLr: 1.0001e-3 }).ok).toBe(false);
    expect(parseToolOptions(lrFindTool, { minLr: 1e-3, maxLr: 1e-2 }).ok).toBe(true);
    expect(parseToolOptions(lrFindTool, { steps: 5 })).toMatchObject({ ok: false, error: expect.stringMatching(/^lr-find option --steps: /) });
    expect(parseToolOptions(lrFindTool, { stopFactor: 1 })).toMatchObject({ ok: false, error: expect.stringMatching(/^lr-find option --stopFactor: /) });
    expect(lrFindTool.options.safeParse({ nonsense: 1 }).success).toBe(false);
    expect(Object.keys(lrFindTool.options.shape)).toEqual(['steps', 'minLr', 'maxLr', 'stopFactor']);
  });

  it('a result with non-finite numbers survives JSON and the result schema (NaN comes back as NaN)', () => {
    const y = [...curve(-3, { noise: 0.05, seed: 6 }).slice(0, 60), NaN];
    const a = analyzeRange({ lrs: lrs.slice(0, 61), losses: y, divergedAt: 60, specLr: 1e-3 });
    const r = {
      lrs: lrs.slice(0, 61), losses: y, smoothed: a.smoothed, suggested: a.suggested, steepest: a.steepest, minimum: a.minimum, diverged: a.diverged,
      specLr: 1e-3, specLrStatus: a.specLrStatus, optimizer: 'sgd', steps: 61, stoppedEarly: true, verdict: a.verdict, notes: a.notes, backend: 'cpu',
    };
    const back = lrFindTool.result.parse(JSON.parse(JSON.stringify(r)));
    expect(back.losses[60]).toBeNaN();
    expect(back.smoothed[60]).toBeNaN();
    expect(back.suggested).toBe(a.suggested);
    expect(lrFindTool.result.parse(JSON.parse(JSON.stringify({ ...r, suggested: null, diverged: null }))).suggested).toBeNull();
  });
});
