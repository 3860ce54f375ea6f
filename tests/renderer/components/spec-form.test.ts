// The run-spec form is generated from the schema: every section has controls, edits reach the spec.
import { describe, expect, it } from 'vitest';
import { fireEvent, render } from '@testing-library/svelte';
import SpecField from '../../../renderer/src/views/spec-form/SpecField.svelte';
import { specJsonSchema, validateSpec } from '../../../shared/spec.ts';
import type { Node } from '../../../renderer/src/views/spec-form/schema.ts';

const spec = {
  name: 'form', data: { train: { type: 'synthetic', name: 'spirals', classes: 3 } },
  model: { layers: [{ type: 'dense', units: 16, activation: 'tanh' }, { type: 'dense', units: 3, activation: 'softmax' }] },
  training: { epochs: 5, optimizer: { type: 'sgd', learningRate: 0.1 } },
};

function setup() {
  let last: unknown = spec;
  const r = render(SpecField, { node: specJsonSchema() as Node, value: spec, label: 'Run spec', path: 'spec', onchange: (v: unknown) => { last = v; } });
  return { ...r, last: () => last as typeof spec };
}

describe('spec form', () => {
  it('has a section for data, model, training and instruments, and a control per layer', () => {
    const { container } = setup();
    for (const p of ['spec.data', 'spec.model', 'spec.training', 'spec.instruments', 'spec.model.layers', 'spec.model.layers[0]', 'spec.model.layers[1]', 'spec.training.optimizer']) {
      expect(container.querySelector(`[data-path="${p}"]`), p).not.toBeNull();
    }
  });

  it('edits a number and switches an optimiser, keeping the spec valid', async () => {
    const { container, last } = setup();
    const epochs = [...container.querySelectorAll('[data-path="spec.training"] label')].find((l) => l.textContent?.trim().startsWith('Epochs'))!.querySelector('input')!;
    await fireEvent.change(epochs, { target: { value: '12' } });
    expect(last().training.epochs).toBe(12);
    const opt = container.querySelector('[data-path="spec.training.optimizer"] select') as HTMLSelectElement;
    const nadam = [...opt.options].findIndex((o) => o.textContent === 'nadam');
    await fireEvent.change(opt, { target: { value: String(nadam) } });
    expect(last().training.optimizer).toEqual({ type: 'nadam' });
    expect(validateSpec(last()).ok).toBe(true);
  });

  it('adds and removes layers', async () => {
    const { container, last } = setup();
    const add = [...container.querySelectorAll('[data-path="spec.model.layers"] > button')].find((b) => b.textContent === 'add')!;
    await fireEvent.click(add);
    expect(last().model.layers).toHaveLength(3);
    expect(last().model.layers[2]).toEqual({ type: 'dense' });
  });
});
