// Start-up restores the view the address names (a reload, a link), unless the user moved first:
// on a loaded machine reading the library takes seconds, and a tab clicked meanwhile must not be
// swapped for the address's when start-up catches up (an e2e clicked Library and lost it this way).
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { AppState } from '../../../renderer/src/app-state.svelte.ts';
import { RunLibrary } from '../../../renderer/src/store/library.ts';
import { TrainscopeDB } from '../../../renderer/src/store/db.ts';
import type { Host, HostMessage } from '../../../shared/host.ts';
import type { RunEvent } from '../../../shared/events.ts';

type Welcome = Extract<HostMessage, { type: 'welcome' }>;
const WELCOME: Welcome = { type: 'welcome', v: 2, presets: [], engine: { state: 'idle' }, host: 'browser', tool: null, sweep: null };

/** A host whose welcome arrives when the test says so; `emit` sends the app a message meanwhile. */
function slowHost() {
  let arrive!: () => void;
  let listener: ((m: HostMessage) => void) | null = null;
  const gate = new Promise<void>((r) => { arrive = r; });
  const host = { kind: 'browser', subscribe: (f: (m: HostMessage) => void) => { listener = f; return () => {}; }, send() {}, connect: async () => { await gate; return WELCOME; } } as unknown as Host;
  return { host, arrive, emit: (m: HostMessage) => listener!(m), subscribed: async () => { while (!listener) await new Promise((r) => setTimeout(r, 1)); } };
}

async function libraryWith(...ids: string[]): Promise<RunLibrary> {
  const library = new RunLibrary(new TrainscopeDB(`start-${Math.random()}`));
  for (const runId of ids) library.ingest(runId, [
    { v: 2, t: 0, type: 'run-start', runId, spec: { name: 'r', instruments: { histogramBins: 8 }, model: { layers: [] }, training: { epochs: 1, batchSize: 1, optimizer: { type: 'sgd', learningRate: 0.1 } } }, backend: { name: 'cpu' }, model: { layers: [], totalParams: 0, trainableParams: 0 }, stepsPerEpoch: 1, totalSteps: 1 },
    { v: 2, t: 1, type: 'run-end', status: 'completed', step: 0 },
  ] as unknown as RunEvent[]);
  await library.flush();
  return library;
}

afterEach(() => { history.replaceState(null, '', location.pathname); });

describe('start-up and the address', () => {
  it('opens the run and tab the address names', async () => {
    history.replaceState(null, '', '#run=r1&tab=predictions');
    const { host, arrive } = slowHost();
    const app = new AppState(host, await libraryWith('r1'));
    const started = app.init();
    arrive();
    await started;
    expect([app.current?.runId, app.tab, app.ready]).toEqual(['r1', 'predictions', true]);
  });

  it('keeps a tab the user picked while start-up was reading the library; the addressed run still opens', async () => {
    history.replaceState(null, '', '#run=r1&tab=predictions');
    const { host, arrive } = slowHost();
    const app = new AppState(host, await libraryWith('r1'));
    const started = app.init();
    app.tab = 'library'; // the click, before the welcome
    arrive();
    await started;
    expect([app.current?.runId, app.tab]).toEqual(['r1', 'library']);
  });

  it('with no address, a tab picked during start-up is not replaced by New run', async () => {
    const { host, arrive } = slowHost();
    const app = new AppState(host, await libraryWith('r1'));
    const started = app.init();
    app.tab = 'library';
    arrive();
    await started;
    expect(app.tab).toBe('library');
    // and without a click, start-up shows New run (the demo)
    const quiet = slowHost();
    const fresh = new AppState(quiet.host, await libraryWith('r2'));
    const done = fresh.init();
    quiet.arrive();
    await done;
    expect(fresh.tab).toBe('new');
  });

  it('back/forward: a run opened while the address\'s run was loading stays on screen', async () => {
    const { host, arrive } = slowHost();
    const library = await libraryWith('r1');
    const app = new AppState(host, library);
    arrive();
    await app.init();
    const going = app.goTo({ run: 'r1', tab: 'layers' });
    app.tab = 'sweeps'; // the user moves before the run has loaded
    await going;
    expect([app.current, app.tab]).toEqual([null, 'sweeps']);
  });
});

describe('user navigation during start-up', () => {
  it('a run the user opened during start-up stays (address names another run)', async () => {
    history.replaceState(null, '', '#run=r1&tab=predictions');
    const { host, arrive } = slowHost();
    const app = new AppState(host, await libraryWith('r1', 'r2'));
    const started = app.init();
    await app.open('r2'); // the user opens r2 from the runs list before the welcome
    expect([app.current?.runId, app.tab]).toEqual(['r2', 'overview']);
    arrive();
    await started;
        expect([app.current?.runId, app.tab]).toEqual(['r2', 'overview']);
  });

  it('runs the user chose to compare during start-up stay (address is another comparison)', async () => {
    history.replaceState(null, '', '#compare=r1,r2');
    const { host, arrive } = slowHost();
    const app = new AppState(host, await libraryWith('r1', 'r2', 'r3'));
    const started = app.init();
    app.compareRuns(['r3', 'r1']); // the user's Compare (2)
    arrive();
    await started;
    expect([app.tab, app.compare]).toEqual(['compare', ['r3', 'r1']]);
  });

  it('a run that starts during start-up stays on screen (address names an old run)', async () => {
    history.replaceState(null, '', '#run=r1&tab=predictions');
    const { host, arrive, emit, subscribed } = slowHost();
    const app = new AppState(host, await libraryWith('r1'));
    const started = app.init();
    await subscribed();
    emit({ type: 'started', runId: 'live' } as unknown as HostMessage); // e.g. Start pressed in New run, or another window's run
    expect([app.current?.runId, app.tab]).toEqual(['live', 'overview']);
    arrive();
    await started;
    expect([app.current?.runId, app.tab]).toEqual(['live', 'overview']);
  });
});
