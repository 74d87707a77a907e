/** A seeded generator (mulberry32), so a fuzz run can be repeated exactly from its seed. */
export class Random {
  private state: number;
  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  shuffle<T>(items: readonly T[]): T[] {
    const a = [...items];
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [a[i], a[j]] = [a[j]!, a[i]!];
    }
    return a;
  }
  /** A short string that is a valid HTTP header value but otherwise awkward (quotes, separators, spaces). */
  token(max = 12): string {
    const alphabet = ["a", "Z", "0", "9", "-", "_", ".", "~", " ", "+", "%", "&", "=", ";", "#", "?", "/", "\\", "'", '"', "<", ">", ",", "*", "\t"];
    let s = "";
    for (let i = this.int(1, max); i > 0; i--) s += this.pick(alphabet);
    return s;
  }

  /** A short string of awkward characters: controls, quotes, separators, non-ASCII, lookalikes. */
  junk(max = 12): string {
    const alphabet = [
      "a",
      "Z",
      "0",
      "9",
      "-",
      "_",
      ".",
      "~",
      " ",
      "+",
      "%",
      "&",
      "=",
      ";",
      "#",
      "?",
      "/",
      "\\",
      "'",
      '"',
      "<",
      ">",
      "\u0000",
      "\t",
      "\n",
      "\r",
      "é",
      "€",
      "\u200b",
      "\ufeff",
      "ａ",
      "Ⅰ",
      "😀",
      "\u202e",
    ];
    let s = "";
    for (let i = this.int(1, max); i > 0; i--) s += this.pick(alphabet);
    return s;
  }
}
