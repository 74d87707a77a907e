import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { appendFile, open, rm } from "node:fs/promises";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { log } from "../../log";
import type { Delivery, FaultRule, SandboxStateV1, Settings, SimOrder, SimSettlement } from "../types";
import type { Records } from "./records";

/**
 * The state file: an append-only journal with periodic compaction.
 *
 * Why a journal and not a debounced snapshot: a snapshot of 20,000 orders is ~22 MB of JSON, and
 * `JSON.stringify` of it blocks the event loop for hundreds of milliseconds however asynchronously it
 * is then written. A journal writes only what changed (a few kB, off the request path, after a 25 ms
 * debounce) and rewrites the whole file only when the journal has grown past the last snapshot, in
 * slices that let requests run in between. One file, so deleting it (as the e2e server does) still
 * starts the sandbox afresh.
 *
 * Format (version 2): one JSON record per line. The first is `{"k":"meta","version":2}`; then
 * `settings`, `tokens`, `faults`, `reset`, and an upsert per `order` and `delivery`. Each record has a
 * revision `r`; replay keeps, per record, the highest revision, and a `reset` drops whatever is older,
 * so the order in which two writes reach the disk does not matter. A torn last line (a crash mid-write)
 * is ignored. Compaction writes the live records to a temporary file and renames it over the journal.
 */

const VERSION = 2;
const DEBOUNCE_MS = 25;
const SLICE = 200;
const COMPACT_MIN_BYTES = 4_000_000;

type Rec =
  | { k: "meta"; version: number; r: number }
  | { k: "reset"; r: number }
  | { k: "settings"; r: number; v: Settings; overridden: string[] }
  | { k: "tokens"; r: number; v: Record<string, number> }
  | { k: "faults"; r: number; v: FaultRule[] }
  | { k: "order"; r: number; v: SimOrder }
  | { k: "delivery"; r: number; v: Delivery }
  | { k: "settlement"; r: number; v: SimSettlement };

type Loaded = {
  settings?: Partial<Settings>;
  overridden: string[];
  tokens: Record<string, number>;
  faults: FaultRule[];
  /** In creation order. */
  orders: SimOrder[];
  /** In creation order. */
  deliveries: Delivery[];
  /** Oldest first. */
  settlements: SimSettlement[];
  rev: number;
};

/** `convert`: an old-format file, to be rewritten as a journal before anything is appended to it. */
export type LoadResult = { loaded: Loaded | undefined; compact: boolean; convert?: boolean; bytes: number };

const empty = (): Loaded => ({ overridden: [], tokens: {}, faults: [], orders: [], deliveries: [], settlements: [], rev: 0 });

/** Reads a state file of either version. A missing file is a fresh start; an unreadable one is set aside with a warning. */
export function readStateFile(file: string): LoadResult {
  if (!existsSync(file)) return { loaded: undefined, compact: false, bytes: 0 };
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    return setAside(file, `cannot read it (${(e as Error).message})`);
  }
  const firstLine = text.slice(0, text.indexOf("\n") === -1 ? undefined : text.indexOf("\n"));
  let head: unknown;
  try {
    head = JSON.parse(firstLine);
  } catch {
    head = undefined;
  }
  if (head && typeof head === "object" && (head as Rec).k === "meta") {
    if ((head as { version: number }).version !== VERSION) return setAside(file, `unknown journal version ${(head as { version: number }).version}`);
    return replay(file, text);
  }
  // Version 1: one JSON document.
  try {
    const v1 = JSON.parse(text) as SandboxStateV1;
    if (v1?.version !== 1 || typeof v1.orders !== "object") return setAside(file, "not a sandbox state file");
    log.info("sandbox state file is in format 1: converting it to the journal (format 2)", { file });
    return {
      loaded: {
        settings: v1.settings,
        overridden: [],
        tokens: v1.tokens ?? {},
        faults: v1.faults ?? [],
        orders: Object.values(v1.orders),
        deliveries: (v1.deliveries ?? []).map((d, i) => ({ ...d, key: i + 1 })),
        settlements: [],
        rev: 0,
      },
      compact: false,
      convert: true,
      bytes: text.length,
    };
  } catch {
    return setAside(file, "it is neither a journal nor a JSON document");
  }
}

function setAside(file: string, why: string): LoadResult {
  const aside = `${file}.corrupt-${Date.now()}`;
  try {
    renameSync(file, aside);
  } catch {
    /* leave it where it is: it is overwritten by the fresh start */
  }
  log.warn("sandbox state file is unreadable: starting with an empty sandbox", { file, reason: why, keptAs: aside });
  return { loaded: undefined, compact: false, bytes: 0 };
}

function replay(file: string, text: string): LoadResult {
  const out = empty();
  const lines = text.split("\n");
  const orders = new Map<string, { r: number; v: SimOrder }>();
  const deliveries = new Map<number, { r: number; v: Delivery }>();
  const settlements = new Map<string, { r: number; v: SimSettlement }>();
  const single: Record<string, number> = {};
  let lastReset = -1;
  let bad = 0;
  let journalLines = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line) continue;
    let rec: Rec;
    try {
      rec = JSON.parse(line) as Rec;
    } catch {
      if (i < lines.length - 1) bad += 1; // a torn last line is the normal trace of a crash mid-write
      continue;
    }
    journalLines += 1;
    const r = rec.r ?? 0;
    if (r > out.rev) out.rev = r;
    if (rec.k === "meta") continue;
    if (rec.k === "reset") {
      if (r <= lastReset) continue;
      lastReset = r;
      for (const [id, o] of orders) if (o.r < r) orders.delete(id);
      for (const [key, d] of deliveries) if (d.r < r) deliveries.delete(key);
      for (const [utr, st] of settlements) if (st.r < r) settlements.delete(utr);
      if ((single.faults ?? -1) < r) {
        out.faults = [];
        single.faults = r;
      }
      continue;
    }
    if (r < lastReset) continue;
    if (rec.k === "order") {
      const prev = orders.get(rec.v.order_id);
      if (!prev || prev.r <= r) orders.set(rec.v.order_id, { r, v: rec.v });
    } else if (rec.k === "settlement") {
      const prev = settlements.get(rec.v.utr);
      if (!prev || prev.r <= r) settlements.set(rec.v.utr, { r, v: rec.v });
    } else if (rec.k === "delivery") {
      const prev = deliveries.get(rec.v.key);
      if (!prev || prev.r <= r) deliveries.set(rec.v.key, { r, v: rec.v });
    } else if ((single[rec.k] ?? -1) <= r) {
      single[rec.k] = r;
      if (rec.k === "settings") {
        out.settings = rec.v;
        out.overridden = rec.overridden ?? [];
      } else if (rec.k === "tokens") out.tokens = rec.v;
      else if (rec.k === "faults") out.faults = rec.v;
    }
  }
  if (bad) log.warn("sandbox state file had unreadable records: they were skipped", { file, skipped: bad });
  out.orders = [...orders.values()].map((o) => o.v);
  out.deliveries = [...deliveries.values()].map((d) => d.v).sort((a, b) => a.key - b.key);
  out.settlements = [...settlements.values()].map((st) => st.v).sort((a, b) => a.settled_at - b.settled_at);
  const live = 4 + out.orders.length + out.deliveries.length + out.settlements.length;
  return { loaded: out, compact: bad > 0 || journalLines > 2 * live + 100, bytes: text.length };
}

/** Keeps the state file in step with the records: debounced asynchronous appends, compaction in slices, a synchronous flush on close. */
export class Journal {
  private rev: number;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  /** What the append under way carries, written again synchronously if the process closes before it lands. */
  private inflight = "";
  private compaction: Promise<void> | undefined;
  /** Keys appended to the old file while a compaction runs: the new file must carry them too. */
  private since: Set<string> | undefined;
  private compactionAborted = false;
  private closed = false;
  private journalBytes = 0;
  private snapshotBytes = 0;
  readonly stats = { lastSaveMs: 0, lastSaveBytes: 0, saves: 0, lastCompactionMs: 0, compactions: 0 };

  constructor(
    private readonly file: string,
    private readonly records: Records,
    loaded: { rev: number; bytes: number; compact: boolean; convert?: boolean; exists: boolean },
  ) {
    this.rev = loaded.rev;
    this.snapshotBytes = loaded.bytes;
    mkdirSync(path.dirname(file), { recursive: true });
    if (!loaded.exists || loaded.convert) {
      // A fresh file (so that a crash before the first change still leaves a valid journal), or an old
      // format rewritten as a journal at start-up, before anything is appended to it. Atomic by rename.
      const keys = [
        "meta",
        "settings",
        "tokens",
        "faults",
        ...[...records.orders.keys()].map((id) => `o:${id}`),
        ...records.deliveries.map((d) => `d:${d.key}`),
        ...[...records.settlements.keys()].map((utr) => `st:${utr}`),
      ];
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, this.lines(keys));
      renameSync(tmp, file);
      this.records.dirty = { reset: false, settings: false, tokens: false, faults: false, orders: new Set(), deliveries: new Set(), settlements: new Set() };
    }
    records.onChange = () => this.schedule();
    if (loaded.compact) void this.compact();
  }

  private schedule() {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, DEBOUNCE_MS);
    this.timer.unref?.();
  }

  private line(rec: Record<string, unknown>) {
    return `${JSON.stringify({ ...rec, r: ++this.rev })}\n`;
  }

  /** The current value of each keyed record, as journal lines. */
  private lines(keys: Iterable<string>): string {
    const r = this.records;
    let byKey: Map<number, Delivery> | undefined;
    let out = "";
    for (const key of keys) {
      if (key === "meta") out += this.line({ k: "meta", version: VERSION });
      else if (key === "reset") out += this.line({ k: "reset" });
      else if (key === "settings") out += this.line({ k: "settings", v: r.settings, overridden: [...r.overridden] });
      else if (key === "tokens") out += this.line({ k: "tokens", v: Object.fromEntries(r.tokens) });
      else if (key === "faults") out += this.line({ k: "faults", v: r.faults });
      else if (key.startsWith("o:")) {
        const o = r.order(key.slice(2));
        if (o) out += this.line({ k: "order", v: o });
      } else if (key.startsWith("st:")) {
        const st = r.settlements.get(key.slice(3));
        if (st) out += this.line({ k: "settlement", v: st });
      } else if (key.startsWith("d:")) {
        byKey ??= new Map(r.deliveries.map((d) => [d.key, d]));
        const d = byKey.get(Number(key.slice(2)));
        if (d) out += this.line({ k: "delivery", v: d });
      }
    }
    return out;
  }

  /** Takes what changed since the last write. */
  private takeDirty(): string[] {
    const d = this.records.dirty;
    const keys: string[] = [];
    if (d.reset) {
      keys.push("reset");
      if (this.compaction) this.compactionAborted = true;
    }
    if (d.settings) keys.push("settings");
    if (d.tokens) keys.push("tokens");
    if (d.faults) keys.push("faults");
    for (const id of d.orders) keys.push(`o:${id}`);
    for (const x of d.deliveries) keys.push(`d:${x.key}`);
    for (const utr of d.settlements) keys.push(`st:${utr}`);
    this.records.dirty = { reset: false, settings: false, tokens: false, faults: false, orders: new Set(), deliveries: new Set(), settlements: new Set() };
    return keys;
  }

  private async flush(): Promise<void> {
    if (this.writing) {
      await this.writing;
      return this.flush();
    }
    if (this.closed) return;
    const keys = this.takeDirty();
    if (!keys.length) return;
    const t0 = performance.now();
    const text = this.lines(keys);
    for (const k of keys) this.since?.add(k);
    this.inflight = text;
    this.writing = appendFile(this.file, text)
      .then(() => {
        this.stats.lastSaveMs = performance.now() - t0;
        this.stats.lastSaveBytes = text.length;
        this.stats.saves += 1;
        this.journalBytes += text.length;
      })
      .catch((e: Error) => log.warn("sandbox state file: append failed", { file: this.file, error: e.message }))
      .finally(() => {
        this.inflight = "";
        this.writing = undefined;
      });
    await this.writing;
    if (!this.compaction && this.journalBytes > Math.max(COMPACT_MIN_BYTES, this.snapshotBytes)) void this.compact();
  }

  /** Rewrites the file as the live records only, in slices, then renames it over the journal. */
  compact(): Promise<void> {
    this.compaction ??= this.rewrite().finally(() => {
      this.compaction = undefined;
    });
    return this.compaction;
  }

  private async rewrite(): Promise<void> {
    const t0 = performance.now();
    const tmp = `${this.file}.${process.pid}.tmp`;
    const since = new Set<string>();
    this.since = since;
    this.compactionAborted = false;
    let fh: Awaited<ReturnType<typeof open>>;
    try {
      fh = await open(tmp, "w");
    } catch (e) {
      log.warn("sandbox state file: compaction could not start (the journal is kept)", { file: this.file, error: (e as Error).message });
      this.since = undefined;
      return;
    }
    let bytes = 0;
    let renamed = false;
    const write = async (text: string) => {
      bytes += text.length;
      await fh.write(text);
    };
    try {
      const orderIds = [...this.records.orders.keys()];
      const deliveryKeys = this.records.deliveries.map((d) => d.key);
      await write(this.lines(["meta", "settings", "tokens", "faults"]));
      for (let i = 0; i < orderIds.length && !this.compactionAborted; i += SLICE) await write(this.lines(orderIds.slice(i, i + SLICE).map((id) => `o:${id}`)));
      for (let i = 0; i < deliveryKeys.length && !this.compactionAborted; i += SLICE)
        await write(this.lines(deliveryKeys.slice(i, i + SLICE).map((k) => `d:${k}`)));
      const utrs = [...this.records.settlements.keys()];
      for (let i = 0; i < utrs.length && !this.compactionAborted; i += SLICE) await write(this.lines(utrs.slice(i, i + SLICE).map((u) => `st:${u}`)));
      while (since.size && !this.compactionAborted) {
        const keys = [...since];
        since.clear();
        await write(this.lines(keys));
      }
      await fh.close();
      if (this.closed || this.compactionAborted) return;
      // Nothing awaits from here to the rename: the new file carries every record the old one had.
      if (since.size) appendFileSync(tmp, this.lines(since));
      renameSync(tmp, this.file);
      renamed = true;
      this.snapshotBytes = bytes;
      this.journalBytes = 0;
      this.stats.lastCompactionMs = performance.now() - t0;
      this.stats.compactions += 1;
    } catch (e) {
      log.warn("sandbox state file: compaction failed (the journal is kept)", { file: this.file, error: (e as Error).message });
      await fh.close().catch(() => undefined);
    } finally {
      this.since = undefined;
      if (!renamed) await rm(tmp, { force: true }).catch(() => undefined);
    }
  }

  /** Resolves when every change made so far is on disk. */
  async settled(): Promise<void> {
    for (;;) {
      if (this.timer) {
        clearTimeout(this.timer);
        this.timer = undefined;
      }
      const d = this.records.dirty;
      const dirty = d.reset || d.settings || d.tokens || d.faults || d.orders.size > 0 || d.deliveries.size > 0 || d.settlements.size > 0;
      if (this.writing) await this.writing;
      else if (dirty) await this.flush();
      else if (this.compaction) await this.compaction;
      else return;
    }
  }

  /** Writes whatever is not yet on disk, synchronously (shutdown). */
  close() {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const text = this.inflight + this.lines(this.takeDirty());
    this.closed = true;
    try {
      if (text) appendFileSync(this.file, text);
    } catch (e) {
      log.warn("sandbox state file: the last changes could not be written", { file: this.file, error: (e as Error).message });
    }
  }
}
