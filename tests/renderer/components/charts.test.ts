// The chart components rendered by Svelte in jsdom: structure, labels, legend, export buttons.
import { describe, expect, it } from 'vitest';
import { render } from '@testing-library/svelte';
import LineChart from '../../../renderer/src/charts/LineChart.svelte';
import Heatmap from '../../../renderer/src/charts/Heatmap.svelte';

// jsdom has no ResizeObserver; the charts only need it to learn their width.
globalThis.ResizeObserver ??= class { observe() {} unobserve() {} disconnect() {} } as unknown as typeof ResizeObserver;

describe('LineChart', () => {
  it('renders a canvas, the title, one legend entry per series and the export buttons', () => {
    const { getByText, container } = render(LineChart, {
      title: 'Loss', testid: 'c',
      series: [{ name: 'train', color: '#0f0', x: [0, 1, 2], y: [3, 2, 1] }, { name: 'validation', color: '#f0f', x: [0, 2], y: [3, 1.5] }],
    });
    expect(getByText('Loss')).toBeTruthy();
    expect(getByText('train')).toBeTruthy();
    expect(getByText('validation')).toBeTruthy();
    expect(container.querySelectorAll('canvas')).toHaveLength(1);
    expect([...container.querySelectorAll('button')].map((b) => b.textContent)).toEqual(['PNG', 'SVG', 'CSV']);
  });
});

describe('Heatmap', () => {
  it('sizes its raster to rows x columns and labels every row', () => {
    const { container, getByText } = render(Heatmap, {
      title: 'Saturation', testid: 'h', rows: 3, cols: 7, value: (r: number, c: number) => (r + c) / 10,
      rowLabel: (r: number) => `layer ${r}`, colLabel: (c: number) => `step ${c}`, legend: 'fraction',
    });
    expect(getByText('Saturation')).toBeTruthy();
    for (const r of [0, 1, 2]) expect(getByText(`layer ${r}`)).toBeTruthy();
    const canvas = container.querySelector('canvas')!;
    // jsdom has no 2D context: the component still records the raster it drew
    expect([canvas.dataset.rows, canvas.dataset.cols]).toEqual(['3', '7']);
    expect(container.querySelectorAll('.rowlabel')).toHaveLength(3);
  });
});
