// The renderer's instrument SDK: what an instrument slice (renderer/src/instruments/<id>/) may
// use besides its own folder, the chart components (renderer/src/charts) and its shared slice.
export { defineInstrumentViews, defineRendererInstrument, type InstrumentViews, type PanelDef, type RendererInstrument, type StoreKey, type ViewApp, type ViewDef } from './instrument.ts';
export { layoutOf, type RunLayout } from './layout.ts';
export { histSize, inLayoutOrder, insertAt, insertIndex, n, packVariableRows, readHist, VARIABLE_ROW, variableRowSize, writeHist, type HistView } from './f32.ts';
export type { EpochPredictions, RunData, Split, SplitSamples } from '../../lib/run-data.ts';
export type { MarkKind, MarkRecord } from '../../store/db.ts';
