// Back/forward to an address whose run takes a while to open, and a tab click meanwhile: the click
// wins (app-start.test.ts), and gets a history entry of its own; the entry gone back to stays.
// (App.svelte once replaced it: following history, it filled in whatever view came next.)
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { render } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import App from '../../../renderer/src/App.svelte';
import { AppState } from '../../../renderer/src/app-state.svelte.ts';
import { RunLibrary } from '../../../renderer/src/store/library.ts';
import { TrainscopeDB } from '../../../renderer/src/store/db.ts';
import type { Host } from '../../../shared/host.ts';
import type { RunEvent } from '../../../shared/events.ts';

globalThis.ResizeObserver ??= class { observe() {} unobserve() {} disconnect() {} } as unknown as typeof ResizeObserver;
const WELCOME = { type: 'welcome', v: 2, presets: [], engine: { state: 'idle' }, host: 'browser', tool: null, sweep: null };

async function libraryWith(...ids: string[]): Promise<RunLibrary> {
  const library = new RunLibrary(new TrainscopeDB(`history-${Math.random()}`));
  for (const runId of ids) library.ingest(runId, [
    { v: 2, t: 0, type: 'run-start', runId, spec: { name: runId, instruments: { histogramBins: 8 }, model: { layers: [] }, training: { epochs: 1, batchSize: 1, optimizer: { type: 'sgd', learningRate: 0.1 } } }, backend: { name: 'cpu' }, model: { layers: [], totalParams: 0, trainableParams: 0 }, stepsPerEpoch: 1, totalSteps: 1 },
    { v: 2, t: 1, type: 'run-end', status: 'completed', step: 0 },
  ] as unknown as RunEvent[]);
  await library.flush();
  return library;
}
const settle = async () => { for (let i = 0; i < 20; i++) { flushSync(); await new Promise((r) => setTimeout(r, 5)); } };

describe('the address and the history', () => {
  it('a tab clicked while back/forward opens a run pushes a new entry, and keeps the one gone back to', async () => {
    history.replaceState(null, '', '#tab=library');
    const host = { kind: 'browser', subscribe: () => () => {}, send() {}, connect: async () => WELCOME } as unknown as Host;
    const app = new AppState(host, await libraryWith('r1', 'r2'));
    await app.init();
    render(App, { app });
    await settle();
    await app.goTo({ run: 'r2', tab: 'library' }); await settle();
    await app.goTo({ run: 'r1', tab: 'library' }); await settle();
    // back to r2's entry (jsdom does not walk its history: arrive at the address by hand, then popstate)
    history.pushState(null, '', '#run=r2&tab=library');
    const entries = history.length;
    window.dispatchEvent(new PopStateEvent('popstate'));
    app.tab = 'sweeps'; // clicked before r2 has loaded
    await settle();
    expect([app.current?.runId, app.tab]).toEqual(['r1', 'sweeps']);
    expect(history.length).toBe(entries + 1);
    expect(location.hash).toBe('#run=r1&tab=sweeps');
    // and without a click, the address gone to is filled in, not added to
    history.pushState(null, '', '#tab=library');
    const now = history.length;
    window.dispatchEvent(new PopStateEvent('popstate'));
    await settle();
    expect(app.tab).toBe('library');
    expect(history.length).toBe(now);
    expect(location.hash).toBe('#run=r1&tab=library');
  });
});
