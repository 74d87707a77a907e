/**
 * bench:cpu part 3: the store's CPU per server action, one at a time, beside its twins in
 * app/api/bench (a route handler doing the same database work and Plural call through Prisma, and
 * the same statements in raw SQL). Ours minus the Prisma twin is what the action costs beyond that
 * work: Next's action layer, the proxy, validation, rate limits, logging.
 */
import { cartCookie, checkoutKey, customerFields, fmt, get, multipart, pool, Shopper, sleep, startPaymentOk, table } from "../harness.mjs";

export async function actionsCpu({ store, sandbox, opt, results, cpuMs, median }) {
  const shopper = new Shopper(store.base, sandbox.base);
  const per = Math.max(4, Math.ceil(opt.reps / 2));
  const sides = ["ours", "bare", "raw"];
  const need = sides.length * (opt.rounds * per + 5);
  console.log(`\nfilling ${need} carts for part 3...`);
  const carts = (await pool(Array.from({ length: need }), 8, () => shopper.newCart())).filter((c) => typeof c === "string");
  const form = (await shopper.checkoutForm(carts[0])).filter(([k]) => k !== "checkoutKey");
  const placed = [];
  /** One request, checked: a wrong answer would measure something else. */
  const call = async (what, path, init, ok) => {
    const r = await get(store.base + path, init);
    const body = await r.text();
    if (!ok(r, body)) throw new Error(`${what} answered ${r.status}: ${body.slice(0, 200)}`);
    return { r, body };
  };
  const placeOrder = {
    ours: async () => {
      const cookie = carts.pop();
      const { body, contentType } = multipart([...form, ["checkoutKey", checkoutKey()], ...customerFields()]);
      const { r } = await call("place order", "/checkout", { method: "POST", headers: { cookie, "content-type": contentType }, body }, (r) => r.status === 303);
      placed.push({
        orderId: /\/orders\/([^/]+)\/pay$/.exec(r.headers.get("location") ?? "")?.[1],
        cookie: cartCookie(r.headers.get("set-cookie")) ?? cookie,
      });
    },
    ...Object.fromEntries(
      ["bare", "raw"].map((side) => [
        side,
        async () => {
          const cookie = carts.pop();
          const { r, body } = await call(
            `${side} place order`,
            `/api/bench/${side === "raw" ? "raw-" : ""}place-order`,
            { method: "POST", headers: { cookie } },
            (r) => r.status === 200,
          );
          placed.push({ orderId: JSON.parse(body).orderId, cookie: cartCookie(r.headers.get("set-cookie")) ?? cookie });
        },
      ]),
    ),
  };
  const startPayment = {
    ours: async () => {
      const o = placed.pop();
      const q = shopper.startPaymentRequest(o.orderId, o.cookie);
      await call("start payment", q.path, { method: q.method, headers: q.headers, body: q.body }, (r, body) => r.status === 200 && startPaymentOk(body));
    },
    ...Object.fromEntries(
      ["bare", "raw"].map((side) => [
        side,
        async () => {
          const body = JSON.stringify({ orderId: placed.pop().orderId });
          await call(
            `${side} start payment`,
            `/api/bench/${side === "raw" ? "raw-" : ""}start-payment`,
            { method: "POST", headers: { "content-type": "application/json" }, body },
            (r) => r.status === 200,
          );
        },
      ]),
    ),
  };
  /** Server CPU per call of `n` sequential calls, in ms. */
  const cpuPerCall = async (fn, n) => {
    await sleep(50);
    const before = cpuMs(store.pid);
    for (let i = 0; i < n; i++) await fn();
    await sleep(50);
    return (cpuMs(store.pid) - before) / n;
  };
  results.actions = {};
  for (const [name, fns] of [
    ["place an order", placeOrder],
    ["start a QR payment", startPayment],
  ]) {
    if (name === "start a QR payment") await shopper.payPage(placed.at(-1).orderId, 30_000, placed.at(-1).cookie); // its action id
    placed.sort(() => Math.random() - 0.5); // each side pays for orders every side placed
    for (const side of sides) for (let i = 0; i < 5; i++) await fns[side](); // warm-up
    const rounds = Object.fromEntries(sides.map((side) => [side, []]));
    for (let round = 0; round < opt.rounds; round++)
      for (const side of round % 2 ? [...sides].reverse() : sides) rounds[side].push(await cpuPerCall(fns[side], per));
    results.actions[name] = Object.fromEntries(sides.map((side) => [side, { ms: median(rounds[side]), rounds: rounds[side] }]));
  }
  console.log(`\nServer CPU per server action (sequential; median of ${opt.rounds} rounds of ${per}), beside its twins in app/api/bench:`);
  console.log(
    table(
      ["action", "ours CPU ms", "Prisma twin", "raw-SQL twin", "ours − twin", "ours / twin", "twin / raw"],
      Object.entries(results.actions).map(([name, a]) => [
        name,
        fmt.ms(a.ours.ms),
        fmt.ms(a.bare.ms),
        fmt.ms(a.raw.ms),
        fmt.ms(a.ours.ms - a.bare.ms),
        fmt.ratio(a.ours.ms / a.bare.ms),
        fmt.ratio(a.bare.ms / a.raw.ms),
      ]),
    ),
  );
  console.log(
    "ours − twin: what the action costs beyond the same database work and Plural call (Next's action layer, the proxy, validation, rate limits, logging)",
  );
}
