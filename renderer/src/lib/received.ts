// Which events of a run's stream a reader holds, by their index (`i`, shared/events.ts): the
// first one missing, and those taken past a gap. A replay overlaps what came live, and events
// may arrive out of order; each is taken once.
export class Received {
  private ahead = new Set<number>();

  /** `next`: every index before it is held */
  constructor(public next = 0) {}

  /** Counts index `i` in; false when it was taken already. Events without an index (older logs) are always new. */
  take(i: number | undefined): boolean {
    if (i === undefined) return true;
    if (i < this.next || this.ahead.has(i)) return false;
    if (i > this.next) { this.ahead.add(i); return true; }
    this.next++;
    while (this.ahead.delete(this.next)) this.next++;
    return true;
  }

  /** some indices before the latest one taken are missing */
  get gap(): boolean { return this.ahead.size > 0; }
}
