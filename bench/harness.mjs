/**
 * Shared by bench/load.mjs and bench/soak.mjs: start and stop a production server on its own
 * database, read its file handles and memory from /proc, count its calls to Plural on the wire,
 * sign webhooks, act as a shopper over plain HTTP, drive autocannon, print tables.
 *
 * Everything here talks to the store over HTTP only (and reads /proc), so the benchmarks measure
 * whatever lib/db and lib/orders do today, and keep working when they change.
 *
 * The parts live in bench/harness/ (one file per section); this file names what they export.
 */
// First: from here on, what the benchmark prints is kept for docs/benchmarks.md (saveResults writes it there).
import "./figures.mjs";
export { args, checkoutKey, fmt, machine, machineLine, percentile, pool, rand, ROOT, saveResults, shopperAddress, sleep, table } from "./harness/util.mjs";
export { dbHandles, get, rssMb, serverLog, serverLogLine, serverPid, settle, startSandboxService, startStore } from "./harness/server.mjs";
export { CHROMIUM_FLAGS, CHROMIUM_PATH, launchChromium } from "./harness/chromium.mjs";
export { startCountingProxy, upstreamKind } from "./harness/proxy.mjs";
export {
  approveByReference,
  pendingPayment,
  SANDBOX_CLIENT,
  sandboxSettings,
  sandboxToken,
  WEBHOOK_SECRET,
  webhookHeaders,
  webhookId,
} from "./harness/sandbox.mjs";
export { cartCookie, customerFields, header, Shopper, startPaymentOk } from "./harness/shopper.mjs";
// The test shopper's reading of a server-action form (lib/testing/shopper.mjs), shared with the tests and the fuzzers.
export { actionForm, multipart } from "../lib/testing/shopper.mjs";
export { cannon, summarize } from "./harness/cannon.mjs";
