// A tool, renderer side: its panel (the result, and progress while it runs) and where it is
// offered. The buttons are generic: one per registered tool in New run, and on a run's
// Overview for the tools that make sense on a run's own spec. Every result opens with a one-line verdict. Results arrive checked against
// the tool's schema by the host.
import type { Component } from 'svelte';
import type { ToolProgress } from '../../../../shared/host.ts';
import type { ToolDefinition, ToolResult } from '../../../../shared/tools/framework/define.ts';

export interface ToolState<R = unknown> {
  running: boolean;
  /** the request this renderer sent (or, when it connected mid-run, the one it found running) */
  requestId: string | null;
  progress: ToolProgress | null;
  result: R | null;
  /** the run whose Overview started it, with that run's spec (null: New run's spec, or another window's request); only that run may take its samples */
  forRun: string | null;
}

export interface RendererTool<T extends ToolDefinition = ToolDefinition> {
  readonly definition: T;
  /** shows the result (nothing before there is one) */
  readonly panel: Component<{ result: ToolResult<T> }>;
  /** also offered on a run's Overview, with that run's spec */
  readonly onRun?: boolean;
  /** the result in one line, shown at the top of its panel */
  readonly verdict: (result: ToolResult<T>) => Verdict;
  /** per-sample predictions in the result, for the Misclassified view ("Open in Misclassified") */
  readonly browse?: (result: ToolResult<T>) => BrowsableSamples;
}

/**
 * Samples and their predictions a tool hands to the misclassification browser, as one more split
 * of the open run. `predictions` is packed as the predictions event packs it; `indices` name the
 * samples for marks and export (the data audit: each one's row in the data source).
 */
export interface BrowsableSamples {
  split: 'train';
  /** samples in the whole split (the browser gets a subset: `indices`) */
  n: number;
  classes: number;
  classNames: string[] | null;
  accuracy: number;
  confusion: number[][];
  labelIssues: { estimated: number; flagged: number; noiseMatrix: number[][]; thresholds: number[] };
  indices: number[];
  labels: number[];
  shape: number[];
  encoding: 'u8' | 'f32';
  lo: number;
  hi: number;
  data: string;
  predictions: string;
  k: number;
  /**
   * Held-out samples (validation, test) with a near twin in training: [position in its split,
   * the twin's training row, cosine similarity]. The browser marks them in those splits.
   */
  twins?: { validation: [number, number, number][]; test: [number, number, number][] };
}

/** A tool's result in one line. `ok`: good news (true), bad news (false), or advice (null). */
export interface Verdict { ok: boolean | null; text: string }

export function defineRendererTool<T extends ToolDefinition>(t: RendererTool<T>): RendererTool<T> {
  return t;
}
