// The app's model files, served in the engine process: uploads assembled from their parts into a
// folder of their own under the runs folder (a run re-reads its model file when it starts, and a
// variant of it later, so the file must stay), then read; exports made in the run's folder and
// sent back whole for the page to save.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { EngineCommandOf } from '../../../shared/engine-service.ts';
import { MAX_UPLOAD_BYTES, type ModelFileMessage } from '../../../shared/model-files.ts';
import type { RunSpecInput } from '../../../shared/spec.ts';
import { InputError } from '../errors.ts';
import { runFolderOf } from '../process/replay.ts';
import { exportRun } from './export-run.ts';
import { importedSpec } from './imported-spec.ts';
import { readModel } from './read-model.ts';
import { writeZip } from './zip.ts';

export const IMPORTED_MODELS_DIR = 'imported-models';

interface Upload { files: Map<number, { name: string; parts: Buffer[] }>; expected: number; last: number; bytes: number }
/** Uploads assembled at once at most (each capped at MAX_UPLOAD_BYTES). */
const MAX_OPEN_UPLOADS = 4;

/** One model file service per engine process; `reply` answers the renderer that asked. */
export class ModelFiles {
  private uploads = new Map<string, Upload>();

  constructor(private readonly runsDir: () => string, private readonly reply: (m: ModelFileMessage | { type: 'error'; message: string; requestId: string }) => void) {}

  /** A part of an upload; the last one imports the model. Parts come in order over one channel. */
  async importPart(c: EngineCommandOf<'import-model'>) {
    const fail = (message: string) => { this.uploads.delete(c.requestId); this.reply({ type: 'error', message, requestId: c.requestId }); };
    let u = this.uploads.get(c.requestId);
    if (!u) {
      if (c.fileIndex !== 0 || c.part !== 0) return fail(`${c.file}: upload parts out of order (part ${c.part + 1} of file ${c.fileIndex + 1} came first)`);
      // (a few windows may upload at once; an upload abandoned half-way is dropped when more start)
      while (this.uploads.size >= MAX_OPEN_UPLOADS) this.uploads.delete(this.uploads.keys().next().value!);
      u = { files: new Map(), expected: c.files, last: -1, bytes: 0 };
      this.uploads.set(c.requestId, u);
    }
    const f = u.files.get(c.fileIndex) ?? { name: c.file, parts: [] };
    if (c.files !== u.expected || f.name !== c.file || c.part !== f.parts.length || (c.part === 0 && c.fileIndex !== u.files.size)) return fail(`${c.file}: upload parts out of order`);
    const part = Buffer.from(c.data, 'base64');
    u.bytes += part.length;
    if (u.bytes > MAX_UPLOAD_BYTES) return fail(`${c.file}: the model's files are larger than ${MAX_UPLOAD_BYTES / 2 ** 20} MB together`);
    f.parts.push(part);
    u.files.set(c.fileIndex, f);
    if (c.part + 1 < c.parts || c.fileIndex + 1 < c.files) return;
    this.uploads.delete(c.requestId);
    try {
      this.reply(await this.finishImport(c.requestId, [...u.files.values()].map((x) => ({ name: x.name, bytes: Buffer.concat(x.parts) }))));
    } catch (e) {
      this.reply({ type: 'error', message: (e as Error).message, requestId: c.requestId });
    }
  }

  private async finishImport(requestId: string, files: { name: string; bytes: Buffer }[]): Promise<ModelFileMessage> {
    const main = files.find((f) => /\.(keras|h5|hdf5)$/i.test(f.name)) ?? files.find((f) => /\.json$/i.test(f.name)) ?? files[0];
    // the same upload again lands in the same folder: a spec that names it keeps working
    const hash = createHash('sha256');
    for (const f of files) hash.update(f.name).update(f.bytes);
    const stem = main.name.replace(/\.[^.]*$/, '').replace(/[^\w.-]+/g, '-').slice(0, 60) || 'model';
    const dir = join(this.runsDir(), IMPORTED_MODELS_DIR, `${stem}-${hash.digest('hex').slice(0, 10)}`);
    // (the same upload again: a spec may already name the folder, which stays whatever happens now)
    const existed = existsSync(dir);
    mkdirSync(dir, { recursive: true });
    for (const f of files) writeFileSync(join(dir, basename(f.name)), f.bytes);
    const path = join(dir, basename(main.name));
    let m;
    try {
      m = await readModel(path);
    } catch (e) {
      if (!existed) rmSync(dir, { recursive: true, force: true }); // nothing to keep of a file that does not read
      throw e instanceof InputError ? new InputError(main.name, e.problem) : e;
    }
    const { spec, notes } = importedSpec(m, path);
    const weights = m.weights ? Object.values(m.weights).flat().reduce((a, w) => a + w.values.length, 0) : 0;
    const summary = `${main.name}: ${m.format}${m.producer ? ` (${m.producer})` : ''}, ${m.layers.length} layers, input [${m.inputShape.join(', ')}], ${m.weights ? `${weights.toLocaleString('en')} weights` : 'no weights'}`;
    return { type: 'model-imported', requestId, name: main.name, model: spec.model as Record<string, unknown>, spec: spec as RunSpecInput as Record<string, unknown>, summary, notes };
  }

  async export(c: EngineCommandOf<'export-model'>) {
    try {
      const dir = runFolderOf(this.runsDir(), c.runId);
      if (!dir) throw new InputError(c.runId, `no such run folder in ${this.runsDir()}`);
      const r = await exportRun(dir, c.format);
      let name = basename(r.path), bytes: Uint8Array;
      if (statSync(r.path).isDirectory()) {
        bytes = writeZip(readdirSync(r.path).map((f) => ({ name: f, data: new Uint8Array(readFileSync(join(r.path, f))) })));
        name = `${name}.tfjs.zip`;
      } else {
        bytes = new Uint8Array(readFileSync(r.path));
      }
      this.reply({ type: 'model-exported', requestId: c.requestId, name, data: Buffer.from(bytes).toString('base64'), notes: r.notes });
    } catch (e) {
      this.reply({ type: 'error', message: (e as Error).message, requestId: c.requestId });
    }
  }
}
