/** Calls `set` with the element's width (at least `min`) now and whenever it changes; returns the cleanup. */
export function observeWidth(el: HTMLElement, min: number, set: (width: number) => void): () => void {
  const ro = new ResizeObserver(() => set(Math.max(min, el.clientWidth)));
  ro.observe(el);
  return () => ro.disconnect();
}
