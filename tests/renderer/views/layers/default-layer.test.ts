// The layer the Layers view opens on: the diagnosis's, else the first that learns; never a
// flatten, dropout or pooling layer.
import { describe, expect, it } from 'vitest';
import type { LayerInfo } from '../../../../shared/layers.ts';
import type { Diagnosis } from '../../../../shared/diagnosis/diagnosis.ts';
import { defaultLayer } from '../../../../renderer/src/views/layers/default-layer.ts';

const layer = (name: string, className: string, variables: string[] = [], trainable = true): LayerInfo => ({
  name, className, outputShape: [null, 4], params: variables.length ? 10 : 0, activation: null, unitKind: 'linear',
  kernelInitializer: null, units: 4, unitIndex: [0, 1, 2, 3], variables, trainable,
});
const w = (n: string) => [`${n}/kernel`, `${n}/bias`];
const mlp = [layer('flatten_1', 'Flatten'), layer('dense_2', 'Dense', w('dense_2')), layer('dropout_3', 'Dropout'), layer('dense_4', 'Dense', w('dense_4'))];
const cnn = [layer('conv2d_1', 'Conv2D', w('conv2d_1')), layer('maxpool2d_2', 'MaxPooling2D'), layer('flatten_3', 'Flatten'), layer('dense_4', 'Dense', w('dense_4'))];
const diagnosis = (causeLayers: string[], groupLayers: string[][] = []): Diagnosis => ({
  cause: causeLayers.length ? { layers: causeLayers } as Diagnosis['cause'] : null,
  groups: groupLayers.map((layers) => ({ layers }) as Diagnosis['groups'][number]),
  vitals: null,
});

describe('defaultLayer', () => {
  it('the first layer with trainable weights, not the flatten before it', () => {
    expect(defaultLayer(mlp, null)).toBe(1);
    expect(defaultLayer(cnn, null)).toBe(0);
  });
  it('the layer the diagnosis names: the cause first, then the groups', () => {
    expect(defaultLayer(mlp, diagnosis(['dense_4']))).toBe(3);
    expect(defaultLayer(mlp, diagnosis([], [['dense_4']]))).toBe(3);
    expect(defaultLayer(mlp, diagnosis(['nowhere'], [['dense_4']]))).toBe(3);
  });
  it('never a pass-through layer, even when named', () => {
    expect(defaultLayer(cnn, diagnosis(['flatten_3']))).toBe(0);
  });
  it('a frozen dense layer is passed over for one that learns; a batch norm layer when nothing else learns', () => {
    expect(defaultLayer([layer('flatten_1', 'Flatten'), layer('dense_2', 'Dense', w('dense_2'), false), layer('dense_3', 'Dense', w('dense_3'))], null)).toBe(2);
    expect(defaultLayer([layer('flatten_1', 'Flatten'), layer('bn_2', 'BatchNormalization', ['bn_2/gamma', 'bn_2/beta'])], null)).toBe(1);
  });
  it('0 when there are no layers or none learns', () => {
    expect(defaultLayer([], null)).toBe(0);
    expect(defaultLayer([layer('flatten_1', 'Flatten')], null)).toBe(0);
  });
});
