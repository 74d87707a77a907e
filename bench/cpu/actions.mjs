/**
 * bench:cpu part 3: the store's CPU per server action, one at a time, beside its twins in
 * app/api/bench (a route handler doing the same database work and Plural call through Prisma, and
 * the same statements in raw SQL). Ours minus the Prisma twin is what the action costs beyond that
 * work: Next's action layer, the proxy, validation, rate limits, logging.
 */
import { cartCookie, checkoutKey, fmt, get, pool, Shopper, table } from "../harness.mjs";

export async function actionsCpu({ store, sandbox, opt, results, cpuPerCall, median }) {
  const shopper = new Shopper(store.base, sandbox.base);
  const per = Math.max(4, Math.ceil(opt.reps / 2));
  const sides = ["ours", "bare", "raw"];
  const need = sides.length * (opt.rounds * per + 5);
  console.log(`\nfilling ${need} carts for part 3...`);
  const carts = (await pool(Array.from({ length: need }), 8, () => shopper.newCart())).filter((c) => typeof c === "string");
  const form = (await shopper.checkoutForm(carts[0])).filter(([k]) => k !== "checkoutKey");
  const placed = [];
  /** A twin's request (`/api/bench/<op>` or its raw-SQL `raw-<op>`), checked: a wrong answer would measure something else. */
  const twin = async (side, op, init) => {
    const r = await get(`${store.base}/api/bench/${side === "raw" ? "raw-" : ""}${op}`, { method: "POST", ...init });
    const body = await r.text();
    if (r.status !== 200) throw new Error(`${side} ${op} answered ${r.status}: ${body.slice(0, 200)}`);
    return { r, body };
  };
  const twinPlaceOrder = (side) => async () => {
    const cookie = carts.pop();
    const { r, body } = await twin(side, "place-order", { headers: { cookie } });
    placed.push({ orderId: JSON.parse(body).orderId, cookie: cartCookie(r.headers.get("set-cookie")) ?? cookie });
  };
  const twinStartPayment = (side) => () =>
    twin(side, "start-payment", { headers: { "content-type": "application/json" }, body: JSON.stringify({ orderId: placed.pop().orderId }) });
  const placeOrder = {
    // The checkout form posted without JavaScript (the harness's shopper; it throws unless answered with the 303 to the pay page).
    ours: async () => placed.push(await shopper.placeOrder(carts.pop(), [...form, ["checkoutKey", checkoutKey()]])),
    bare: twinPlaceOrder("bare"),
    raw: twinPlaceOrder("raw"),
  };
  const startPayment = {
    ours: () => {
      const o = placed.pop();
      return shopper.startPayment(o.orderId, 30_000, o.cookie); // throws unless the action answered ok
    },
    bare: twinStartPayment("bare"),
    raw: twinStartPayment("raw"),
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
      for (const side of round % 2 ? [...sides].reverse() : sides) rounds[side].push(await cpuPerCall(store.pid, fns[side], per));
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
