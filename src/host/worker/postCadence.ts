/**
 * When a training worker posts its progress: about `intervalMs` apart on a steady cadence. Steps are taken in
 * slices, so a post can only follow a slice; when slices are long (one step of a large network takes about as
 * long as the interval), waiting for the interval to be complete would post every other slice, at half the rate.
 */
export class PostCadence {
  /** When the next post is planned (ms, the clock `due` is given). */
  private next = 0;

  constructor(private readonly intervalMs: number) {}

  /**
   * Whether to post after a slice that ended at `now` and took `sliceMs`: the planned time is nearer than half a
   * slice, so posting now misses it by less than waiting for the next slice would.
   */
  due(now: number, sliceMs: number): boolean {
    if (now < this.next - sliceMs / 2) return false;
    // an interval after this one was planned; after a late post, about an interval from now (no burst to catch up)
    this.next = Math.max(this.next + this.intervalMs, now + this.intervalMs - Math.min(sliceMs, this.intervalMs) / 2);
    return true;
  }
}
