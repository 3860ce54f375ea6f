// The app's side of model files: a Keras or tfjs model uploaded from New run (read in the page,
// sent in parts the host's messages can carry) and merged into the draft spec; a run's model
// exported and saved as a download. The engine does the reading and writing (main/engine/model-io).
import type { HostCommand, HostMessage } from '../../../shared/host.ts';
import { UPLOAD_PART_BYTES, MAX_UPLOAD_BYTES, MAX_UPLOAD_PARTS, type ExportFormat, type ModelFileMessage } from '../../../shared/model-files.ts';
import { base64ToBytes, bytesToBase64 } from '../../../shared/base64.ts';
import { download } from '../charts/export.ts';

export interface ImportState { requestId: string; name: string; phase: 'uploading' | 'reading' | 'done' | 'failed'; sent: number; total: number; summary?: string; notes?: string[]; error?: string }
export interface ExportState { requestId: string; runId: string; format: ExportFormat; phase: 'making' | 'done' | 'failed'; name?: string; notes?: string[]; error?: string }

const newId = () => `m${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;

/** The draft with the imported model in it: the draft's data and training stay when it has them (a user's own spec), else the engine's whole spec. */
export function mergeImported(draftText: string | undefined, m: Extract<ModelFileMessage, { type: 'model-imported' }>): string {
  let draft: unknown = null;
  try { draft = draftText ? JSON.parse(draftText) : null; } catch { /* not JSON: the engine's spec */ }
  const d = draft as Record<string, unknown> | null;
  if (d && typeof d === 'object' && !Array.isArray(d) && d.data) {
    return JSON.stringify({ ...d, name: m.spec.name, description: m.spec.description, model: m.model }, null, 2);
  }
  return JSON.stringify(m.spec, null, 2);
}

export class ModelFileState {
  importing = $state<ImportState | null>(null);
  exporting = $state<ExportState | null>(null);

  constructor(private readonly send: (c: HostCommand) => void, private readonly onSpec: (text: string) => void, private readonly draftText: () => string | undefined) {}

  /** Uploads a model's files: a .keras or .h5 file, or a model.json with its weight files. */
  async import(files: File[]) {
    if (!files.length) return;
    const requestId = newId();
    const main = files.find((f) => /\.(keras|h5|hdf5)$/i.test(f.name)) ?? files.find((f) => /\.json$/i.test(f.name)) ?? files[0];
    const ordered = [main, ...files.filter((f) => f !== main)];
    const total = ordered.reduce((a, f) => a + Math.max(1, Math.ceil(f.size / UPLOAD_PART_BYTES)), 0);
    const bytes = ordered.reduce((a, f) => a + f.size, 0);
    const tooBig = ordered.find((f) => Math.ceil(f.size / UPLOAD_PART_BYTES) > MAX_UPLOAD_PARTS);
    if (tooBig || bytes > MAX_UPLOAD_BYTES) {
      this.importing = { requestId, name: main.name, phase: 'failed', sent: 0, total, error: `${tooBig?.name ?? main.name}: the model's files are larger than ${MAX_UPLOAD_BYTES / 2 ** 20} MB together` };
      return;
    }
    this.importing = { requestId, name: main.name, phase: 'uploading', sent: 0, total };
    for (const [fileIndex, f] of ordered.entries()) {
      const bytes = new Uint8Array(await f.arrayBuffer());
      const parts = Math.max(1, Math.ceil(bytes.length / UPLOAD_PART_BYTES));
      for (let part = 0; part < parts; part++) {
        if (this.importing?.requestId !== requestId) return; // another import replaced this one
        const data = bytesToBase64(bytes.subarray(part * UPLOAD_PART_BYTES, (part + 1) * UPLOAD_PART_BYTES));
        this.send({ type: 'import-model', requestId, file: f.name, fileIndex, files: ordered.length, part, parts, data });
        this.importing = { ...this.importing, sent: this.importing.sent + 1 };
        await new Promise((r) => setTimeout(r, 0)); // (the page stays responsive between parts)
      }
    }
    // (the engine may have answered already, between the last parts: its answer stands)
    if (this.importing?.requestId === requestId && this.importing.phase === 'uploading') this.importing = { ...this.importing, phase: 'reading' };
  }

  export(runId: string, format: ExportFormat) {
    const requestId = newId();
    this.exporting = { requestId, runId, format, phase: 'making' };
    this.send({ type: 'export-model', requestId, runId, format });
  }

  /** A host message that belongs here; true when it was. */
  handle(m: HostMessage): boolean {
    if (m.type === 'model-imported' && m.requestId === this.importing?.requestId) {
      this.importing = { ...this.importing, phase: 'done', summary: m.summary, notes: m.notes };
      this.onSpec(mergeImported(this.draftText(), m));
      return true;
    }
    if (m.type === 'model-exported' && m.requestId === this.exporting?.requestId) {
      this.exporting = { ...this.exporting, phase: 'done', name: m.name, notes: m.notes };
      if (typeof document !== 'undefined') download(m.name, new Blob([base64ToBytes(m.data) as BlobPart]));
      return true;
    }
    if (m.type === 'error' && !m.tool && m.requestId) {
      if (m.requestId === this.importing?.requestId) { this.importing = { ...this.importing, phase: 'failed', error: m.message }; return true; }
      if (m.requestId === this.exporting?.requestId) { this.exporting = { ...this.exporting, phase: 'failed', error: m.message }; return true; }
    }
    return m.type === 'model-imported' || m.type === 'model-exported'; // (another window's: not this one's business)
  }
}
