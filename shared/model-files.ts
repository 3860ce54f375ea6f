// Model files between the app and the engine: a Keras or tfjs model uploaded from New run (in
// parts, so that no message exceeds what a WebSocket frame may carry) and a run's model exported
// for download. The formats and limits both ends check against.
import { z } from 'zod';

export const EXPORT_FORMATS = ['keras', 'h5', 'tfjs', 'folded', 'spec', 'python'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** What each export is, in the app's menu and the CLI's help. */
export const EXPORT_LABELS: Record<ExportFormat, string> = {
  keras: 'Keras 3 (.keras)', h5: 'legacy Keras (.h5)', tfjs: 'TensorFlow.js (model.json + weights, zipped)',
  folded: 'inference model, batch norm folded (.keras)', spec: 'run spec (.json)', python: 'Keras Python script (.py)',
};

/** Bytes per uploaded part (base64 makes it 4/3 of this): under the browser mode's 4 MB message limit. */
export const UPLOAD_PART_BYTES = 2 * 1024 * 1024;
/** Parts per file of an upload. */
export const MAX_UPLOAD_PARTS = 100;
/** An upload's files together: 200 MB at most (the engine holds them in memory until the last part). */
export const MAX_UPLOAD_BYTES = 200 * 2 ** 20;

const fileName = z.string().min(1).max(255).regex(/^[^/\\\0]+$/, 'a file name, without folders');

export const MODEL_FILE_COMMANDS = {
  /**
   * One part of a model upload: the files of one model (a .keras or .h5 file, or a model.json
   * with its weight files), each cut into parts sent in order. The engine imports it after the
   * last part of the last file.
   */
  'import-model': {
    requestId: z.string().min(1).max(64),
    file: fileName,
    /** this file's place among the upload's files, and how many there are */
    fileIndex: z.number().int().min(0).max(31),
    files: z.number().int().min(1).max(32),
    part: z.number().int().min(0).max(MAX_UPLOAD_PARTS - 1),
    parts: z.number().int().min(1).max(MAX_UPLOAD_PARTS),
    /** base64 */
    data: z.string().max(Math.ceil(UPLOAD_PART_BYTES / 3) * 4),
  },
  /** A run's model as a file to download. */
  'export-model': {
    requestId: z.string().min(1).max(64),
    runId: z.string().regex(/^[\w.-]+$/).max(200),
    format: z.enum(EXPORT_FORMATS),
  },
} satisfies Record<string, z.ZodRawShape>;

/** The engine's answers (to the renderer that asked, by requestId). */
export type ModelFileMessage =
  /** `model`: the spec's model section for the imported file (its path on the engine's machine); `spec`: a whole spec around it */
  | { type: 'model-imported'; requestId: string; name: string; model: Record<string, unknown>; spec: Record<string, unknown>; summary: string; notes: string[] }
  /** the file to save, base64 */
  | { type: 'model-exported'; requestId: string; name: string; data: string; notes: string[] };
