// Renderer benchmarks, run in Chromium by `npm run bench`: the heatmap draw, frame times while
// ingesting live events, the run library's write and open speeds. window.runBench() returns them.
import { mount, unmount } from 'svelte';
import App from '../../renderer/src/App.svelte';
import { AppState } from '../../renderer/src/app-state.svelte.ts';
import { RunLibrary } from '../../renderer/src/store/library.ts';
import { TrainscopeDB } from '../../renderer/src/store/db.ts';
import { paint, rasterize } from '../../renderer/src/charts/heatmap-model.ts';
import { sqrtViridis } from '../../renderer/src/charts/color-scale.ts';
import { plotSize } from '../../renderer/src/charts/heatmap-axes.ts';
import { saturationPlotHeights } from '../../renderer/src/instruments/activations/saturation-layout.ts';
import type { Host, HostMessage } from '../../shared/host.ts';
import type { RunEvent } from '../../shared/events.ts';
import { collectionEvent, startEvent, stepEvent } from './synthetic.ts';
import '../../renderer/src/app.css';

const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const pct = (a: number[], p: number) => [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(a.length * p))];
const nextFrame = () => new Promise<number>((r) => requestAnimationFrame(r));

// The Saturation tab on a 1440x900 window, as measured in Chromium: the view starts 66 px down
// (header, mode toggle), the main area has 16 px padding each side, the figure a 1 px border; the
// layers map alone fills the height left (as SaturationView lays it out): a 1208 x 712 plot.
const VIEW = { width: 1440 - 32 - 2, top: 66, bottomMargin: 20, height: 900 };

/** 100 layers x 10,000 collections, rasterised and painted at the full-height Saturation view's size. */
async function heatmapDraw(): Promise<number> {
  const rows = 100, cols = 10_000;
  const values = new Float32Array(rows * cols).map((_, i) => (i % 997) / 997);
  const { layers } = saturationPlotHeights(VIEW.height - VIEW.top - VIEW.bottomMargin, false);
  const { width, height } = plotSize(VIEW.width, layers + 40);
  const canvas = document.createElement('canvas');
  canvas.width = width; canvas.height = height;
  document.body.appendChild(canvas);
  const table = sqrtViridis(1, true).table;
  let buffer: Uint8ClampedArray | undefined;
  const times: number[] = [];
  for (let k = 0; k < 7; k++) {
    const t0 = performance.now();
    buffer = rasterize(rows, cols, (r, c) => values[r * cols + c], table, buffer);
    paint(canvas, buffer, rows, cols, width, height);
    canvas.getContext('2d')!.getImageData(0, 0, 1, 1); // wait for the draw to be done
    times.push(performance.now() - t0);
    await nextFrame();
  }
  canvas.remove();
  return median(times.slice(1));
}

class FakeHost implements Host {
  readonly kind = 'browser' as const;
  listeners = new Set<(m: HostMessage) => void>();
  async connect() { return { type: 'welcome' as const, v: 1, presets: [], engine: { state: 'idle' as const }, host: 'browser' as const, tool: null, sweep: null }; }
  send() {}
  subscribe(l: (m: HostMessage) => void) { this.listeners.add(l); return () => { this.listeners.delete(l); }; }
  emit(m: HostMessage) { for (const l of this.listeners) l(m); }
}

/** The whole app on screen while 200 events/s arrive in 50 ms batches, as the server sends them. */
async function liveFrames(seconds = 6): Promise<{ p95: number; frames: number }> {
  const host = new FakeHost();
  const app = new AppState(host, new RunLibrary(new TrainscopeDB(`bench-live-${Date.now()}`)));
  const target = document.getElementById('app')!;
  const component = mount(App, { target, props: { app } });
  await app.init();
  const runId = 'bench-live';
  const layers = 12, units = 64, bins = 30, perSecond = 200;
  host.emit({ type: 'started', runId });
  host.emit({ type: 'events', runId, events: [startEvent(runId, layers, units, bins, perSecond * seconds)] });
  app.tab = 'overview';
  let step = 0;
  const timer = setInterval(() => {
    const batch: RunEvent[] = [];
    for (let i = 0; i < perSecond / 20; i++) {
      batch.push(stepEvent(step));
      if (step % 10 === 0) batch.push(collectionEvent(step, layers, units, bins));
      step++;
    }
    // the host parses each batch from JSON; that cost belongs to the frame budget too
    host.emit(JSON.parse(JSON.stringify({ type: 'events', runId, events: batch })));
  }, 50);
  const frames: number[] = [];
  let last = await nextFrame();
  const end = last + seconds * 1000;
  let switched = false;
  while (last < end) {
    const now = await nextFrame();
    frames.push(now - last);
    last = now;
    if (!switched && now > end - (seconds * 1000) / 2) { app.tab = 'saturation'; switched = true; } // half the time on the heatmap
  }
  clearInterval(timer);
  unmount(component);
  return { p95: pct(frames.slice(5), 0.95), frames: frames.length };
}

/** 100 layers x 1,000 steps = 100k layer-step records, written through the run library. */
async function dexieIngest(steps = 1000, warm = false): Promise<{ ms: number; packMs: number; lib: RunLibrary; runId: string }> {
  const lib = new RunLibrary(new TrainscopeDB(`bench-ingest-${warm ? 'warm' : ''}${Date.now()}`));
  const runId = 'bench-100k';
  const layers = 100, units = 8, bins = 30;
  const events: RunEvent[] = [startEvent(runId, layers, units, bins, steps)];
  for (let s = 0; s < steps; s++) events.push(stepEvent(s), collectionEvent(s, layers, units, bins));
  // as they arrive from a host: parsed from JSON (objects V8 lays out compactly)
  const arrived = JSON.parse(JSON.stringify(events)) as RunEvent[];
  events.length = 0;
  events.push(...arrived);
  const t0 = performance.now();
  lib.ingest(runId, events);
  const packed = performance.now();
  await lib.flush();
  const t1 = performance.now();
  return { ms: t1 - t0, packMs: packed - t0, lib, runId };
}

export async function runBench() {
  const heatmap_draw_ms = await heatmapDraw();
  const live = await liveFrames();
  // A short run first, as a running app has: the figure is the steady state, not JIT warm-up.
  await dexieIngest(50, true);
  const ingest = await dexieIngest();
  // The ingested run holds 1,000 collections x 100 layers x (10 statistics + 32 histogram numbers
  // + 8 per-unit values x 2) plus gradients and weights: well over 1M recorded numbers.
  const t0 = performance.now();
  const data = await ingest.lib.open(ingest.runId);
  const run_open_ms = performance.now() - t0;
  return {
    heatmap_draw_ms, live_frame_p95_ms: live.p95, live_frames: live.frames, dexie_ingest_100k_ms: ingest.ms, dexie_ingest_pack_ms: ingest.packMs, run_open_ms,
    run_open_collections: data?.collectionSteps.length ?? 0,
  };
}

(window as unknown as { runBench: typeof runBench }).runBench = runBench;
