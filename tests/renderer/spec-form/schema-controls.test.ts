// The form's controls come from the spec's JSON Schema: a union nested in a union (the test split
// is "a fraction, or a data source") offers every alternative, so a dataset shows as a dataset.
import { describe, expect, it } from 'vitest';
import { specJsonSchema } from '../../../shared/spec.ts';
import { controlOf, selectedOption, type Node } from '../../../renderer/src/views/spec-form/schema.ts';

const root = specJsonSchema() as Node;
const dataField = (key: string) => (root.properties!.data.properties as Record<string, Node>)[key];

describe('spec form controls', () => {
  it.each(['validation', 'test'])('data.%s offers a fraction and every data source, and selects a dataset as a dataset', (key) => {
    const c = controlOf(dataField(key));
    if (c.kind !== 'variants') throw new Error(`expected variants, got ${c.kind}`);
    const labels = c.options.map((o) => o.label);
    expect(labels).toContain('a fraction');
    expect(labels).toContain('dataset');
    expect(labels[selectedOption(c, { type: 'dataset', name: 'fashion-mnist', split: 'test' })]).toBe('dataset');
    expect(labels[selectedOption(c, 0.2)]).toBe('a fraction');
  });
});
