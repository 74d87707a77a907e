/** 4. One shopper waiting 60 s on the pay page, polling as the page does, while webhooks work: Get Order calls. */
import { approveByReference, get, sandboxSettings, sleep } from "../harness.mjs";
import { callsLine } from "./calls.mjs";

export async function shopperWaiting({ opt, base, sbBase, shop, proxy, results, token }) {
  /* ------------------------------------------------------------------- 4. a shopper waiting */
  if (opt.shopper) {
    console.log("\n# A shopper waiting 60 s on the pay page (polling the status route every 1.5 s) while webhooks work");
    await sandboxSettings(sbBase, { webhook: { enabled: true } });
    const { orderId, ref, cookie } = await shop.checkout(await shop.newCart());
    proxy.reset();
    const poll = async (until) => {
      let polls = 0;
      let status = "";
      while (Date.now() < until.at && !until.done(status)) {
        await sleep(1500); // as useOrderStatus: 1.5 s after the previous answer
        const r = await get(`${base}/api/orders/${orderId}/status`, { headers: { cookie } }).catch(() => null);
        if (r?.ok) status = (await r.json()).status;
        polls++;
      }
      return { polls, status };
    };
    const waiting = await poll({ at: Date.now() + 60_000, done: () => false });
    const duringWait = proxy.counts();
    const approvedAt = performance.now();
    await approveByReference(sbBase, token, ref); // the sandbox sends ORDER_PROCESSED to the store
    const after = await poll({ at: Date.now() + 30_000, done: (s) => s === "PROCESSED" });
    const seenMs = performance.now() - approvedAt;
    const total = proxy.counts();
    results.upstream.shopper = {
      polls: waiting.polls,
      statusWhileWaiting: waiting.status,
      callsWhileWaiting: duringWait,
      callsUntilPaid: total,
      paidSeenAfterMs: Math.round(seenMs),
      finalStatus: after.status,
    };
    console.log(`  ${waiting.polls} polls in 60 s (status ${waiting.status}): ${callsLine(duringWait)}   (goal: getOrder ≤ 2)`);
    console.log(`  approved at the sandbox: the page saw ${after.status} after ${Math.round(seenMs)} ms; calls in all: ${callsLine(total)}`);
    await sandboxSettings(sbBase, { webhook: { enabled: false } });
  }
}
