// Label widths in the charts' font, measured by a canvas (the same text engine that draws them);
// a cautious estimate where there is no canvas (jsdom in tests).
import { estimateWidth } from './axis.ts';

let ctx: CanvasRenderingContext2D | null | undefined;

export function measureLabel(fontSize = 11): (s: string) => number {
  if (ctx === undefined) ctx = typeof document === 'undefined' ? null : document.createElement('canvas').getContext('2d');
  if (!ctx) return estimateWidth(fontSize);
  const c = ctx;
  const font = `${fontSize}px system-ui, sans-serif`;
  return (s) => { c.font = font; return c.measureText(s).width; };
}
