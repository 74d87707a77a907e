/**
 * A binary min-heap of (at, id): the sandbox's timers, so a tick touches only what is due. Written
 * here (25 lines) rather than taken from npm to keep package.json untouched while others edit it.
 */
export class TimerHeap {
  private items: Array<{ at: number; id: string }> = [];

  get size() {
    return this.items.length;
  }

  peek(): { at: number; id: string } | undefined {
    return this.items[0];
  }

  push(at: number, id: string) {
    const a = this.items;
    a.push({ at, id });
    for (let i = a.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (a[parent]!.at <= a[i]!.at) break;
      [a[parent], a[i]] = [a[i]!, a[parent]!];
      i = parent;
    }
  }

  pop(): { at: number; id: string } | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length && last) {
      a[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l]!.at < a[m]!.at) m = l;
        if (r < a.length && a[r]!.at < a[m]!.at) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }

  clear() {
    this.items = [];
  }
}
