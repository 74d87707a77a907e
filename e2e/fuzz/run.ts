/**
 * The fuzz runner: sends each case, and reports what an attacker could not do.
 *
 * - tried: cases sent;
 * - equivalent: cases that are the genuine message again in another spelling (fields reordered or
 *   re-encoded, a header name in capitals, a lower-case signature...). They may be accepted; the
 *   store must then change nothing it had not changed for the genuine message;
 * - accepted: any other case the store accepted (a 2xx or 3xx answer): a forgery. Must be 0;
 * - written: rows changed in the database by those other cases. Must be 0;
 * - 5xx: answers 500 or more, for any case. Must be 0.
 */
export type Attempt = { method: "GET" | "POST"; path: string; headers: Record<string, string>; body?: Uint8Array };

export type FuzzCase = {
  kind: string;
  attempt: Attempt;
  /** True when the case is the genuine message in another spelling (decided by the generator's own reading, not the store's code). */
  equivalent: boolean;
};

export type Report = {
  name: string;
  seed: number;
  tried: number;
  equivalent: number;
  equivalentAccepted: number;
  equivalentWritten: number;
  accepted: number;
  written: number;
  fiveXX: number;
  statuses: Record<string, number>;
  kinds: number;
  ms: number;
  /** The first few failures, to reproduce. */
  failures: Array<{ kind: string; status: number; wrote: number; attempt: { method: string; path: string; headers: Record<string, string>; body?: string } }>;
};

export type Send = (a: Attempt) => Promise<number>;
/** The database's state as "table:id" → version (or "#table" → row count); rows changed = keys added, removed or different. */
export type Snapshot = () => Promise<Map<string, string>>;

export function rowsChanged(a: Map<string, string>, b: Map<string, string>): number {
  let n = 0;
  for (const [k, v] of b) {
    // "#table" holds a row count, for tables that only grow (the order timeline): rows added.
    if (k.startsWith("#")) n += Math.abs(Number(v) - Number(a.get(k) ?? 0));
    else if (a.get(k) !== v) n++;
  }
  for (const k of a.keys()) if (!b.has(k)) n++;
  return n;
}

export async function runFuzz(name: string, seed: number, cases: Iterable<FuzzCase>, send: Send, snapshot: Snapshot): Promise<Report> {
  const r: Report = {
    name,
    seed,
    tried: 0,
    equivalent: 0,
    equivalentAccepted: 0,
    equivalentWritten: 0,
    accepted: 0,
    written: 0,
    fiveXX: 0,
    statuses: {},
    kinds: 0,
    ms: 0,
    failures: [],
  };
  const kinds = new Set<string>();
  const started = Date.now();
  let before = await snapshot();
  for (const c of cases) {
    kinds.add(c.kind);
    let status: number;
    try {
      status = await send(c.attempt);
    } catch {
      status = 599; // the connection failed: counted with the 5xx
    }
    const after = await snapshot();
    const wrote = rowsChanged(before, after);
    before = after;
    r.tried++;
    r.statuses[status] = (r.statuses[status] ?? 0) + 1;
    const ok = status >= 200 && status < 400;
    if (c.equivalent) {
      r.equivalent++;
      if (ok) r.equivalentAccepted++;
      if (wrote) r.equivalentWritten++;
    } else {
      if (ok) r.accepted++;
      if (wrote) r.written++;
    }
    if (status >= 500) r.fiveXX++;
    if (((!c.equivalent && (ok || wrote)) || status >= 500) && r.failures.length < 10) {
      const body = c.attempt.body ? Buffer.from(c.attempt.body).toString("latin1").slice(0, 300) : undefined;
      r.failures.push({ kind: c.kind, status, wrote, attempt: { ...c.attempt, body } });
    }
  }
  r.kinds = kinds.size;
  r.ms = Date.now() - started;
  return r;
}

export function formatReports(reports: Array<Pick<Report, "name" | "tried" | "accepted" | "written" | "fiveXX"> & Partial<Report>>): string {
  const rows = reports.map((r) => [
    r.name,
    String(r.tried),
    String(r.accepted),
    String(r.written),
    String(r.fiveXX),
    r.equivalent !== undefined ? `${r.equivalent} (${r.equivalentAccepted} accepted, ${r.equivalentWritten} wrote)` : "",
    r.ms !== undefined ? `${(r.ms / 1000).toFixed(1)} s` : "",
  ]);
  const head = ["", "tried", "accepted", "written", "5xx", "genuine, re-spelt", "time"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(head), ...rows.map(line)].join("\n");
}
