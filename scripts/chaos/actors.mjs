/**
 * The chaos run's actors, each a loop with its own stream of the seed (prng.mjs): shoppers (over
 * HTTP, through nginx), a merchant with two consoles (the console's server actions), Plural's faults
 * (the sandbox's control API) and process faults (kill -9, SIGSTOP, PostgreSQL and sandbox restarts).
 * What each does is counted in `w.count(kind)` and written to the order's client-side timeline
 * (`w.note(orderId, ...)`), which the report prints beside the store's and Plural's for a violation.
 */
import { ADMIN_ACTIONS, Client, SHOP_ACTIONS } from "./http.mjs";
import { Rng } from "./prng.mjs";
import { checkoutFields } from "../../lib/testing/shopper.mjs";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const PAID = new Set(["PROCESSED", "PARTIALLY_REFUNDED", "FULLY_REFUNDED", "AUTHORIZED", "PARTIALLY_CAPTURED"]);
const address = (rng) => `100.${64 + rng.int(64)}.${rng.int(256)}.${1 + rng.int(254)}`;

/** Sleeps `ms`, or less when the run is ending: actors never outlive it by a think time. */
async function pause(w, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end && !w.ending()) await sleep(Math.min(250, end - Date.now()));
}

/* ------------------------------------------------------------------------------------ shoppers */

export async function shopperLoop(w, i) {
  const rng = new Rng(w.seed, `shopper-${i}`);
  const self = { lastPaid: null, startedAgain: null };
  await pause(w, rng.between(0, 3000));
  while (!w.ending()) {
    await shopperFlow(w, rng, i, self).catch((e) => w.count(`shopper error: ${String(e?.message ?? e).slice(0, 60)}`));
    await pause(w, rng.between(300, 2500));
  }
}

async function shopperFlow(w, rng, i, self) {
  const c = new Client(w.url, { address: address(rng), who: `shopper-${i}`, onAnswer: w.answer });
  // Starting again: the first order seemed stuck, so the shopper places the same one again and pays
  // it, and then pays the first one too (a twin: PAID_TWICE). Or buys the same thing again after paying.
  const twin = self.startedAgain;
  self.startedAgain = null;
  const again = twin ?? (self.lastPaid && rng.chance(0.12) ? self.lastPaid : null);
  const email = again?.email ?? `s${i}-${rng.word(10).toLowerCase()}@example.com`;
  const home = await c.request("home", "/");
  if (home.status !== 200) return w.count("shopper: home not shown");
  const products = [...new Set([...home.text.matchAll(/href="(\/products\/[^"]+)"/g)].map((m) => m[1]))].sort();
  const product = again?.product ?? rng.pick(products);
  const page = await c.request("product", product);
  if (page.status !== 200) return w.count("shopper: product not shown");
  await c.postForm("add to cart", product, page.text);
  if (!c.cookies.has("cart")) return w.count("shopper: no cart");
  const co = await c.request("checkout page", "/checkout");
  if (co.status !== 200) return w.count("shopper: checkout not shown");
  const key = /name="checkoutKey" value="([^"]+)"/.exec(co.text)?.[1];
  const fields = checkoutFields({ name: "Chaos Shopper", email });
  let placed = await c.postForm("place order", "/checkout", co.text, fields);
  if (placed.status !== 303 && rng.chance(0.5)) {
    w.count("shopper: place order again (same key)");
    placed = await c.postForm("place order", "/checkout", co.text, fields);
  }
  const orderId = /^\/orders\/([^/]+)\/pay$/.exec(placed.headers?.get("location") ?? "")?.[1];
  if (!orderId) return w.count(`shopper: order refused (${placed.status})`);
  w.count(twin ? "shopper: order (started again, first one unpaid)" : again ? "shopper: order (same items again)" : "shopper: order");
  w.track(orderId, { ref: key, shopper: i, email, product });
  const payPath = `/orders/${orderId}/pay`;
  await c.request("pay page", payPath);

  if (rng.chance(0.06)) {
    w.count("shopper: cancel before paying");
    const r = await c.action("cancel", payPath, SHOP_ACTIONS, "cancelCheckoutAction", [orderId]);
    w.note(orderId, "shopper", `cancelled (${r.status})`);
    return;
  }

  let previous = null;
  let paid = false;
  const tries = Number(rng.weighted({ 1: 6, 2: 3, 3: 1 }));
  for (let t = 0; t < tries && !w.ending(); t++) {
    const mode = rng.chance(0.7) ? "QR" : "COLLECT";
    const vpa = mode === "COLLECT" ? `payer${rng.int(10_000)}@okaxis` : undefined;
    const started = await c.action("start payment", payPath, SHOP_ACTIONS, "startPaymentAction", vpa ? [orderId, mode, vpa] : [orderId, mode]);
    const ok = started.value?.ok === true;
    w.count(`shopper: start ${mode}${t > 0 ? " (switch)" : ""} ${ok ? "ok" : "refused"}`);
    w.note(orderId, "shopper", `start ${mode} → ${started.status} ${ok ? "ok" : JSON.stringify(started.value?.error ?? started.error ?? "").slice(0, 80)}`);
    if (!ok) {
      await pause(w, rng.between(500, 3000));
      continue;
    }
    if (rng.chance(0.15)) {
      w.count("shopper: reload");
      await c.request("pay page", payPath);
    }
    const outcome = rng.weighted({ approve: 44, decline: 14, abandon: 12, switch: 12, late: 7, twice: 9, "start again": 5 });
    await pause(w, rng.between(300, 4000));
    const payment = await w.pluralPayment(orderId);
    if (!payment) {
      w.note(orderId, "payer", "no payment to answer (the store has no Plural payment id)");
      continue;
    }
    const answer = async (how, id = payment) => {
      const body = how === "decline" ? { code: rng.pick(["PAYMENT_DECLINED", "INSUFFICIENT_FUNDS"]) } : {};
      const r = await w.control.post(`payments/${encodeURIComponent(id)}/${how}`, body);
      if (r.status !== 200) w.log(`payer ${how} ${id} (order ${orderId}) → ${r.status} ${JSON.stringify(r.json).slice(0, 160)}`);
      w.count(`payer: ${how}${r.status === 200 ? "" : ` (${r.status} ${r.json?.code ?? ""})`}`);
      w.note(orderId, "payer", `${how} ${id} → ${r.status} ${r.status === 200 ? (r.json?.data?.status ?? "") : (r.json?.code ?? "")}`);
      return r.status === 200;
    };
    if (outcome === "approve") paid = (await answer("approve")) || paid;
    else if (outcome === "decline") await answer("decline");
    else if (outcome === "switch") {
      previous = payment;
      continue;
    } else if (outcome === "late") {
      // Paid after the window: the payment expires first (the shopper is told it failed), then the bank says yes.
      if (await answer("expire")) {
        await pause(w, rng.between(500, 5000));
        paid = (await answer("approve-late")) || paid;
      }
    } else if (outcome === "start again") {
      w.note(orderId, "shopper", "starts again with a new order, this one unpaid");
      self.startedAgain = { email, product, first: { orderId, payment } };
    } else if (outcome === "twice") {
      paid = (await answer("approve")) || paid;
      if (previous && previous !== payment) await answer("approve", previous); // the QR switched away from, paid too
    } else {
      w.note(orderId, "shopper", "abandoned");
      break;
    }
    break;
  }

  if (twin && paid) {
    // The first order's payment goes through too, after the second was paid.
    const r = await w.control.post(`payments/${encodeURIComponent(twin.first.payment)}/approve`, {});
    w.count(`payer: approve the first order too${r.status === 200 ? "" : ` (${r.status} ${r.json?.code ?? ""})`}`);
    w.note(twin.first.orderId, "payer", `approve ${twin.first.payment} after the second order ${orderId} was paid → ${r.status}`);
  }

  // What the shopper is shown: the pay page's live status, polled a few times; sometimes they come back later.
  const polls = rng.between(0, 4);
  for (let p = 0; p < polls && !w.ending(); p++) {
    await pause(w, rng.between(500, 2500));
    const s = await c.request("status", `/api/orders/${orderId}/status`);
    if (s.status === 200) {
      const shown = JSON.parse(s.text).status;
      w.shown(orderId, shown);
      if (PAID.has(shown) && paid) self.lastPaid = { email, product };
    }
  }
  if (rng.chance(0.2)) {
    w.count("shopper: comes back to the receipt");
    await c.request("receipt", `/orders/${orderId}`);
  }
}

/* ------------------------------------------------------------------------------------ merchant */

/** Signs a console in: its own session (a second console is a second browser). */
async function signIn(w, who, rng) {
  const c = new Client(w.url, { address: address(rng), who, onAnswer: w.answer });
  for (let i = 0; i < 30 && !w.ending(); i++) {
    const fd = new FormData();
    fd.set("password", w.adminPassword);
    const r = await c.action("sign in", "/admin/login", ADMIN_ACTIONS, "signIn", [null, fd]);
    if (c.cookies.size && (r.redirect ?? "").includes("/admin")) return c;
    await sleep(1000);
  }
  throw new Error(`${who}: could not sign in`);
}

async function consoleAction(w, c, orderId, fields) {
  const fd = new FormData();
  fd.set("orderId", orderId);
  for (const [k, v] of Object.entries(fields)) fd.set(k, v);
  const r = await c.action(`console ${fields.action}`, `/admin/orders/${orderId}`, ADMIN_ACTIONS, "adminAction", [fd]);
  const to = r.redirect ? decodeURIComponent(r.redirect.replace(/\+/g, " ")) : `${r.status}`;
  const said = /[?&](done|error)=([^;]*)/.exec(to);
  return { status: r.status, ok: said?.[1] === "done", said: said ? `${said[1]}: ${said[2]}` : to };
}

export async function merchantLoop(w) {
  const rng = new Rng(w.seed, "merchant");
  const consoles = [await signIn(w, "console-A", rng), await signIn(w, "console-B", rng)];
  const refundKey = () => `rf${rng.word(12)}`;
  while (!w.ending()) {
    await pause(w, rng.between(1500, 5000));
    if (w.ending()) break;
    const paid = await w.storeOrders(`"status" IN ('PROCESSED','PARTIALLY_REFUNDED','AUTHORIZED') OR "latePayment" IS NOT NULL`);
    if (!paid.length) continue;
    const o = rng.pick(paid);
    const what =
      o.latePayment && rng.chance(0.6)
        ? "refund-late"
        : o.status === "AUTHORIZED"
          ? rng.pick(["capture", "cancel"])
          : rng.weighted({ "full refund, two consoles at once": 3, "partial refund": 4, "same refund twice": 2, sync: 1, settlements: 1 });
    const left = o.amountInPaise - o.refundedInPaise;
    const rupees = (p) => (p / 100).toFixed(2);
    w.count(`merchant: ${what}`);
    if (what === "full refund, two consoles at once") {
      const rs = await Promise.all(consoles.map((c) => consoleAction(w, c, o.id, { action: "refund", amount: rupees(left), refundKey: refundKey() })));
      rs.forEach((r, k) => w.note(o.id, `console-${"AB"[k]}`, `full refund ${rupees(left)} → ${r.said}`));
    } else if (what === "partial refund") {
      const amount = Math.max(100, Math.floor(left * rng.float() * 0.5));
      const r = await consoleAction(w, rng.pick(consoles), o.id, { action: "refund", amount: rupees(amount), refundKey: refundKey() });
      w.note(o.id, "console", `partial refund ${rupees(amount)} → ${r.said}`);
    } else if (what === "same refund twice") {
      // One request sent twice (a double click, a retry after a timeout): one refund.
      const key = refundKey();
      const amount = Math.max(100, Math.floor(left * 0.3));
      const rs = await Promise.all(consoles.map((c) => consoleAction(w, c, o.id, { action: "refund", amount: rupees(amount), refundKey: key })));
      w.sameKey(o.id, key);
      rs.forEach((r, k) => w.note(o.id, `console-${"AB"[k]}`, `refund ${rupees(amount)} key ${key} → ${r.said}`));
    } else if (what === "settlements") {
      const r = await w.control.post("settlements/run", {});
      w.note(o.id, "merchant", `settlement run at Plural → ${r.status}`);
      await consoles[0].request("console settlements", "/admin/settlements");
    } else {
      const r = await consoleAction(w, rng.pick(consoles), o.id, { action: what });
      w.note(o.id, "console", `${what} → ${r.said}`);
    }
  }
}

/* ------------------------------------------------------------------------------ Plural's faults */

const OPS = ["token", "createOrder", "getOrder", "getOrderByReference", "createPayment", "refund", "capture", "cancel"];

export async function pluralFaultLoop(w) {
  const rng = new Rng(w.seed, "plural");
  const base = w.baseSettings;
  while (!w.ending()) {
    await pause(w, rng.between(3000, 9000));
    if (w.ending()) break;
    const kind = rng.weighted({ latency: 3, "5xx": 3, "answer lost": 3, hang: 1, "token expiry": 2, webhooks: 4, profile: 1 });
    const endpoint = rng.chance(0.3) ? "*" : rng.pick(OPS);
    let r;
    if (kind === "latency") r = await w.control.post("faults", { endpoint, kind: "latency", latency_ms: rng.between(300, 4000), count: rng.between(2, 10) });
    else if (kind === "5xx") r = await w.control.post("faults", { endpoint, kind: "status", status: rng.pick([500, 502, 503, 504]), count: rng.between(1, 4) });
    else if (kind === "answer lost")
      // The work is done, then the answer is lost (a 504 from a gateway): the store must find out what happened.
      r = await w.control.post("faults", {
        endpoint: rng.pick(["createOrder", "createPayment", "refund", "capture", "cancel"]),
        kind: "status",
        status: 504,
        phase: "after",
        count: rng.between(1, 3),
      });
    else if (kind === "hang") r = await w.control.post("faults", { endpoint, kind: "hang", count: 1 });
    else if (kind === "token expiry") r = await w.control.post("tokens/expire");
    else if (kind === "webhooks") {
      const webhook = {
        duplicate: rng.chance(0.5),
        out_of_order: rng.chance(0.4),
        delay_ms: rng.pick([0, 0, 500, 2000, 8000]),
        drop: rng.pick([0, 0, 0.2, 0.5]),
      };
      r = await w.control.patch("settings", { webhook });
      w.count(
        `plural: webhooks ${
          Object.entries(webhook)
            .filter(([, v]) => v)
            .map(([k, v]) => (v === true ? k : `${k}=${v}`))
            .join(",") || "normal"
        }`,
      );
    } else if (kind === "profile") {
      const profile = rng.pick(["strict", "friendly"]);
      r = await w.control.patch("settings", { profile, ...base });
      w.profiles.add(profile);
    }
    if (kind !== "webhooks") w.count(`plural: ${kind}${kind === "5xx" || kind === "latency" || kind === "hang" ? ` (${endpoint})` : ""}`);
    if (r.status >= 300) w.count(`plural: fault refused by the sandbox (${r.status} ${JSON.stringify(r.json).slice(0, 80)})`);
  }
}

/* ------------------------------------------------------------------------------ process faults */

export async function processFaultLoop(w) {
  const rng = new Rng(w.seed, "process");
  const c = w.cluster;
  await pause(w, rng.between(5000, 15000));
  while (!w.ending()) {
    const kind = rng.weighted({ "kill -9 store": 4, "SIGSTOP store": 3, "restart PostgreSQL": 2, "restart sandbox": 2 });
    const store = rng.pick(["store-1", "store-2"]);
    w.count(`process: ${kind}`);
    if (kind === "kill -9 store") {
      const end = w.down(store);
      await c.kill9(store);
      await pause(w, rng.between(1000, 6000));
      await c.restart(store);
      end();
    } else if (kind === "SIGSTOP store") {
      // Paused past its claims: the other instance's sweep takes over its orders; it wakes with stale work in hand.
      const end = w.down(store);
      c.pause(store);
      await sleep(rng.between(3000, 12_000));
      c.resume(store);
      end();
    } else if (kind === "restart PostgreSQL") {
      const end = w.down("postgres");
      await c.restartPostgres();
      end();
    } else {
      // Plural unreachable for a while; not a window of ours: the store answers its shoppers without a 5xx.
      w.sandboxStats(await w.control.get("stats"));
      await w.control.post("persist"); // Plural's own state is durable: what it answered survives the restart
      await c.restartSandbox();
      w.sandboxRestarted();
    }
    await pause(w, rng.between(8000, 25_000));
  }
}
