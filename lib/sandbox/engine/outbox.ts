import { log } from "../../log";
import { webhookHeaders } from "../../plural/signature";
import type { Delivery, Settings, SimOrder } from "../types";
import type { Core } from "./core";
import { rand } from "./util";

const WARN_EVERY_MS = 60_000;
const OUT_OF_ORDER_HOLD_MS = 1500;

/**
 * Plural's documented retry schedule (Pine Labs' "Webhooks" developer-tools page): after a failed delivery, retried
 * "immediately, after 5 seconds, 5 minutes, 30 minutes, 2 hours, 5 hours, and two additional
 * retries after 10 hours each": 9 attempts over 27 h 35 min 5 s.
 */
const DOCUMENTED_RETRY_MS: readonly number[] = [0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];

/** How long to wait after `attempts` failed ones, in real time before `time_scale` (undefined: give up). */
function retryDelayMs(w: Settings["webhook"], attempts: number): number | undefined {
  if (w.schedule === "documented") return DOCUMENTED_RETRY_MS[attempts - 1];
  return attempts > w.retries ? undefined : w.retry_base_ms * 2 ** (attempts - 1);
}

/**
 * The webhook-timestamp of an attempt (Unix seconds): now, or with `timestamp: first` the first
 * attempt's. The schedule runs `time_scale` times faster than real time (tests); a kept timestamp then
 * ages by what the schedule waited in real time, plus any lateness, so a receiver's tolerance window
 * meets the retries as it would in real time.
 */
function signedTimestamp(w: Settings["webhook"], d: Pick<Delivery, "first_signed_ms" | "waited_ms">, nowMs: number): number {
  if (w.timestamp !== "first" || d.first_signed_ms === undefined) return Math.floor(nowMs / 1000);
  const waited = d.waited_ms ?? 0;
  const late = Math.max(0, nowMs - d.first_signed_ms - waited / Math.max(1, w.time_scale));
  return Math.floor((nowMs - waited - late) / 1000);
}

/** Whether the store's webhook endpoint takes what the sandbox sends (read from the recent deliveries). */
export type WebhookHealth = {
  url: string;
  /** ok: the last attempt was accepted; retrying: recent attempts failed, retries remain; failing: a delivery gave up. */
  state: "ok" | "retrying" | "failing" | "idle";
  last_error?: { at: string; error: string; delivery_id: string; event_type: string };
  last_success_at?: string;
  /** Deliveries to this URL that gave up since the last accepted one. */
  undelivered: number;
};

/** Why an attempt failed, in words a developer can act on. */
function describeFailure(e: unknown): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  if (err?.name === "TimeoutError") return "timeout";
  const code = err?.cause?.code;
  if (code === "ECONNREFUSED") return "connection refused (ECONNREFUSED)";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return `host not found (${code})`;
  if (code) return `connection failed (${code})`;
  // fetch refuses some URLs itself (e.g. a "bad port" such as 1 or 9): say why.
  const why = err?.cause?.message ?? (err?.message && err.message !== "fetch failed" ? err.message : undefined);
  return why ? `connection failed (${why.slice(0, 80)})` : "connection failed";
}

const attemptError = (a: { status: number | null; error?: string }) => a.error ?? `HTTP ${a.status}`;
const accepted = (status: number | null) => status !== null && status >= 200 && status < 300;

/**
 * The webhook outbox: every event is recorded, then delivered with Standard Webhooks signatures,
 * retried with back-off, and (by knobs) delayed, dropped, duplicated or sent out of order. Failing
 * deliveries are warned about once a minute per URL, and shown on the dashboard.
 */
export class Outbox {
  private readonly fetchImpl: typeof fetch;
  private inflight = new Set<Delivery>();
  private ticking = false;
  private warned = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly core: Core,
    private readonly serialize: (order: SimOrder) => unknown,
    private readonly advance: () => void,
  ) {
    this.fetchImpl = core.config.fetch ?? ((input, init) => fetch(input, init));
  }

  emit(eventType: string, order: SimOrder): Delivery | undefined {
    const { records } = this.core;
    const w = records.settings.webhook;
    if (!w.enabled) return undefined;
    const t = this.core.now();
    const body = JSON.stringify({ event_type: eventType, data: this.serialize(order) });
    const state = Math.random() < w.drop ? "dropped" : "scheduled";
    // Out of order: every event waits a little before it goes, so that the next event for the order can
    // still overtake it (without the wait, the background tick could send it before the next one exists).
    const next_at = t + w.delay_ms + (w.out_of_order ? OUT_OF_ORDER_HOLD_MS : 0);
    if (w.out_of_order && state === "scheduled") {
      // Hold every earlier event back a little longer than the new one: later events overtake earlier ones.
      for (const d of records.scheduled) {
        if (d.order_id !== order.order_id) continue;
        d.next_at = Math.max(d.next_at, next_at) + OUT_OF_ORDER_HOLD_MS;
        records.touchDelivery(d);
      }
    }
    const delivery = records.addDelivery({
      id: `msg_${rand(27)}`,
      event_type: eventType,
      order_id: order.order_id,
      body,
      state,
      attempts: [],
      next_at,
      created_at: t,
    });
    if (w.duplicate && state === "scheduled") records.addDelivery({ ...delivery, attempts: [], next_at: next_at + 300 });
    // Plural sends at once: a webhook due now goes out right after this change, not at the next tick
    // of the background loop (up to 200 ms later). Without the loop (tests), flush() sends it.
    if (state === "scheduled" && next_at <= t && this.core.config.background !== false) {
      setImmediate(() => {
        if (delivery.state === "scheduled" && this.core.records.scheduled.has(delivery)) void this.deliver(delivery);
      });
    }
    return delivery;
  }

  /**
   * Sends (or re-sends) one event now, with the same webhook-id and a signature over a fresh timestamp,
   * or the first attempt's (`timestamp: first`; `fresh` for a redelivery asked for through the control API).
   */
  async deliver(d: Delivery, opts: { fresh?: boolean } = {}): Promise<void> {
    if (this.inflight.has(d)) return;
    this.inflight.add(d);
    const { records, config } = this.core;
    const w = records.settings.webhook;
    const url = w.url;
    const started = this.core.now();
    const nowMs = Date.now();
    const ts = opts.fresh ? Math.floor(nowMs / 1000) : signedTimestamp(w, d, nowMs);
    d.first_signed_ms ??= nowMs;
    const headers = webhookHeaders(config.webhookSecret, d.id, ts, d.body, config.webhookSecretFormat);
    let status: number | null = null;
    let error: string | undefined;
    try {
      const res = await this.fetchImpl(url, {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": "Plural-Sandbox-Webhooks/1.0", ...headers },
        body: d.body,
        signal: AbortSignal.timeout(w.timeout_ms),
        redirect: "manual",
      });
      status = res.status;
      await res.body?.cancel().catch(() => undefined);
    } catch (e) {
      error = describeFailure(e);
    } finally {
      this.inflight.delete(d);
    }
    d.attempts.push({ at: started, status, error, ms: this.core.now() - started, url });
    if (accepted(status)) d.state = "delivered";
    else {
      const delay = retryDelayMs(w, d.attempts.length);
      if (delay === undefined) d.state = "failed";
      else {
        d.state = "scheduled";
        d.next_at = this.core.now() + delay / Math.max(1, w.time_scale);
        d.waited_ms = (d.waited_ms ?? 0) + delay;
      }
      this.warn(url, d, error ?? `HTTP ${status}`);
    }
    records.touchDelivery(d);
  }

  /** One line per failing URL per minute, however many attempts fail. */
  private warn(url: string, d: Delivery, error: string) {
    const t = this.core.now();
    const last = this.warned.get(url);
    if (last && t - last.at < WARN_EVERY_MS) {
      last.suppressed += 1;
      return;
    }
    log.warn("sandbox: the store's webhook endpoint is not taking webhooks", {
      url,
      error,
      event_type: d.event_type,
      webhook_id: d.id,
      attempt: d.attempts.length,
      gave_up: d.state === "failed",
      failures_since_last_warning: last?.suppressed ?? 0,
      hint: "is the store running at this address? PATCH /sandbox/control/settings changes it",
    });
    this.warned.set(url, { at: t, suppressed: 0 });
  }

  /** Background work: time-based transitions, then due webhook deliveries. */
  async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      this.advance();
      const t = this.core.now();
      const due = [...this.core.records.scheduled].filter((d) => d.next_at <= t);
      await Promise.all(due.map((d) => this.deliver(d)));
    } finally {
      this.ticking = false;
    }
  }

  /** Waits until no delivery is scheduled or on its way (tests and the control API's `flush`). */
  async flush(timeoutMs = 10_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      await this.tick();
      if (this.core.records.scheduled.size === 0 && this.inflight.size === 0) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Sends the latest delivery with this webhook-id again; undefined when there is none. */
  async redeliver(webhookId: string): Promise<Delivery | undefined> {
    const d = this.core.records.deliveries.findLast((x) => x.id === webhookId);
    if (d) await this.deliver(d, { fresh: true });
    return d;
  }

  /** How the current webhook URL is doing, from the recent deliveries' attempts. */
  health(): WebhookHealth {
    const url = this.core.records.settings.webhook.url;
    // Attempts ordered by time, then by the order in which they were recorded (a frozen test clock gives equal times).
    type Seen = { at: number; n: number };
    const later = (a: Seen, b: Seen | undefined) => !b || a.at > b.at || (a.at === b.at && a.n > b.n);
    let n = 0;
    let lastOk: Seen | undefined;
    let lastFail: (Seen & { error: string; d: Delivery }) | undefined;
    for (const d of this.core.records.deliveries) {
      for (const a of d.attempts) {
        const seen = { at: a.at, n: n++ };
        if (a.url !== url) continue;
        if (accepted(a.status)) {
          if (later(seen, lastOk)) lastOk = seen;
        } else if (later(seen, lastFail)) lastFail = { ...seen, error: attemptError(a), d };
      }
    }
    const out: WebhookHealth = { url, state: "idle", undelivered: 0 };
    if (lastOk) out.last_success_at = new Date(lastOk.at).toISOString();
    if (!lastFail || (lastOk && later(lastOk, lastFail))) {
      out.state = lastOk ? "ok" : "idle";
      return out;
    }
    out.last_error = { at: new Date(lastFail.at).toISOString(), error: lastFail.error, delivery_id: lastFail.d.id, event_type: lastFail.d.event_type };
    out.undelivered = this.core.records.deliveries.filter(
      (d) => d.state === "failed" && d.attempts.at(-1)?.url === url && (!lastOk || d.attempts.at(-1)!.at >= lastOk.at),
    ).length;
    out.state = out.undelivered > 0 ? "failing" : "retrying";
    return out;
  }
}
