/**
 * Calls `set` with the height from the element's top to the bottom of the window (less `margin`,
 * at least `min`) now and when the window resizes: views that should fill the screen, not a strip.
 */
export function observeAvailableHeight(el: HTMLElement, min: number, margin: number, set: (height: number) => void): () => void {
  const measure = () => {
    const top = el.getBoundingClientRect().top + window.scrollY;
    set(Math.max(min, Math.floor(window.innerHeight - top - margin)));
  };
  measure();
  window.addEventListener('resize', measure);
  return () => window.removeEventListener('resize', measure);
}
