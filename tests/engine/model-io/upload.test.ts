// The app's model upload as the engine assembles it: parts in order make the model (its folder
// under the runs folder, its spec section); parts out of order, an upload past the size cap or a
// file that is not a model end that upload with one line, and never touch another window's.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ModelFiles, IMPORTED_MODELS_DIR } from '../../../main/engine/model-io/model-files-service.ts';
import type { EngineCommandOf } from '../../../shared/engine-service.ts';
import { tmp } from '../../helpers.ts';

const FIXTURE = readFileSync(join(__dirname, '../../fixtures/models/mlp.keras'));
type Reply = { type: string; requestId: string; message?: string; model?: { import: string; layers: { name: string }[] } };

function service() {
  const runs = tmp();
  const replies: Reply[] = [];
  return { runs, replies, files: new ModelFiles(() => runs, (m) => replies.push(m as Reply)) };
}
/** The upload's parts, `size` bytes each, as the page sends them. */
function parts(requestId: string, name: string, bytes: Uint8Array, size: number): EngineCommandOf<'import-model'>[] {
  const n = Math.max(1, Math.ceil(bytes.length / size));
  return Array.from({ length: n }, (_, part) => ({ type: 'import-model', requestId, file: name, fileIndex: 0, files: 1, part, parts: n, data: Buffer.from(bytes.subarray(part * size, (part + 1) * size)).toString('base64') }));
}

describe('model upload in parts', () => {
  it('assembles the parts of two windows\' uploads side by side into the model and its spec section', async () => {
    const { runs, replies, files } = service();
    const a = parts('a', 'mlp.keras', FIXTURE, 4096), b = parts('b', 'mlp.keras', FIXTURE, 7000);
    for (let k = 0; k < Math.max(a.length, b.length); k++) {
      if (a[k]) await files.importPart(a[k]);
      if (b[k]) await files.importPart(b[k]);
    }
    expect(replies.map((r) => [r.type, r.requestId]).sort()).toEqual([['model-imported', 'a'], ['model-imported', 'b']]);
    const m = replies[0].model!;
    expect(m.layers.map((l) => l.name)).toEqual(['dense', 'batch_normalization', 'dropout', 'dense_1']);
    expect(readFileSync(m.import).equals(FIXTURE)).toBe(true);
    expect(readdirSync(join(runs, IMPORTED_MODELS_DIR))).toHaveLength(1); // (the same bytes: one folder)
  });

  it('parts out of order, too many bytes, a file that is not a model: one line each, nothing kept', async () => {
    const { runs, replies, files } = service();
    const p = parts('x', 'mlp.keras', FIXTURE, 4096);
    await files.importPart(p[1]);
    expect(replies.at(-1)).toMatchObject({ type: 'error', requestId: 'x', message: 'mlp.keras: upload parts out of order (part 2 of file 1 came first)' });
    await files.importPart(p[0]);
    await files.importPart(p[2]);
    expect(replies.at(-1)).toMatchObject({ type: 'error', requestId: 'x', message: 'mlp.keras: upload parts out of order' });

    const huge = Buffer.alloc(3 * 2 ** 20).toString('base64');
    for (let part = 0; part < 110 && replies.length < 3; part++) {
      await files.importPart({ type: 'import-model', requestId: 'big', file: 'big.keras', fileIndex: 0, files: 1, part, parts: 120, data: huge.slice(0, Math.ceil(2 * 2 ** 20 / 3) * 4) });
    }
    expect(replies.at(-1)).toMatchObject({ type: 'error', requestId: 'big', message: 'big.keras: the model\'s files are larger than 200 MB together' });

    for (const q of parts('t', 'notes.h5', Buffer.from('not a model'), 4096)) await files.importPart(q);
    expect(replies.at(-1)).toMatchObject({ type: 'error', requestId: 't', message: 'notes.h5: is not a model file Trainscope reads (a Keras .keras or .h5 file, or a TensorFlow.js model.json)' });
    expect(existsSync(join(runs, IMPORTED_MODELS_DIR)) ? readdirSync(join(runs, IMPORTED_MODELS_DIR)) : []).toEqual([]);
  });
});
