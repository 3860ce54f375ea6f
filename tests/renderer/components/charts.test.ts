// The chart components rendered by Svelte in jsdom: structure, labels, legend, export buttons.
import { describe, expect, it } from 'vitest';
import { render } from '@testing-library/svelte';
import LineChart from '../../../renderer/src/charts/LineChart.svelte';
import Heatmap from '../../../renderer/src/charts/Heatmap.svelte';
import { sqrtViridis } from '../../../renderer/src/charts/color-scale.ts';

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
  const props = (rows: number, height: number) => ({
    title: 'Saturation', testid: 'h', rows, steps: [0, 10, 20, 30, 40, 50, 60], value: (r: number, c: number) => (r + c) / 10,
    rowLabel: (r: number) => `layer ${r}`, rowTitle: 'layer', legend: 'fraction', scale: sqrtViridis(1, true), height,
  });

  it('sizes its raster to rows x columns, labels every row that has room, and draws the scale and a step axis', () => {
    const { container, getByText, getByTestId } = render(Heatmap, props(3, 300));
    expect(getByText('Saturation')).toBeTruthy();
    for (const r of [0, 1, 2]) expect(getByText(`layer ${r}`)).toBeTruthy();
    const canvas = container.querySelector('canvas')!;
    // jsdom has no 2D context: the component still records the raster it drew
    expect([canvas.dataset.rows, canvas.dataset.cols]).toEqual(['3', '7']);
    expect(canvas.style.height).toBe('300px');
    expect(container.querySelectorAll('.hm-rowlabel')).toHaveLength(3);
    expect(getByTestId('step-axis').querySelectorAll('text.tick-label').length).toBeGreaterThanOrEqual(2);
    expect(getByTestId('scale-legend').querySelectorAll('text').length).toBeGreaterThanOrEqual(3);
  });

  it('with more rows than fit, labels an evenly spaced few (12 px each, never overlapping)', () => {
    const { container } = render(Heatmap, props(256, 300));
    const labels = [...container.querySelectorAll<HTMLElement>('.hm-rowlabel')];
    expect(labels.length).toBeGreaterThan(3);
    expect(labels.length).toBeLessThanOrEqual(300 / 15);
    const tops = labels.map((l) => parseFloat(l.style.top));
    for (let i = 1; i < tops.length; i++) expect(tops[i] - tops[i - 1]).toBeGreaterThanOrEqual(15);
  });
});
