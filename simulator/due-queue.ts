// A min-heap of (due time, id): settle() pops only what is due, so the cost of a request does not
// grow with the number of running sets (benchmarks create thousands). Stale entries (the set moved
// on, was held or deleted) are skipped by the caller when popped.

export class DueQueue<K> {
  private readonly at: number[] = [];
  private readonly ids: K[] = [];

  get size(): number {
    return this.at.length;
  }

  push(due: number, id: K): void {
    let i = this.at.length;
    this.at.push(due);
    this.ids.push(id);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.at[parent]! <= due) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** Removes and returns the earliest entry if it is due at `now`. */
  popDue(now: number): { due: number; id: K } | undefined {
    if (this.at.length === 0 || this.at[0]! > now) return undefined;
    const top = { due: this.at[0]!, id: this.ids[0]! };
    const lastAt = this.at.pop()!;
    const lastId = this.ids.pop()!;
    if (this.at.length > 0) {
      this.at[0] = lastAt;
      this.ids[0] = lastId;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.at.length && this.at[l]! < this.at[m]!) m = l;
        if (r < this.at.length && this.at[r]! < this.at[m]!) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
  }

  private swap(a: number, b: number): void {
    [this.at[a], this.at[b]] = [this.at[b]!, this.at[a]!];
    [this.ids[a], this.ids[b]] = [this.ids[b]!, this.ids[a]!];
  }
}
