import type { Metadata } from "next";
import Link from "next/link";
import { clearFaults, expireTokens, redeliverWebhook, resetSandbox, saveSettings } from "@/app/sandbox/actions";
import { StatusBadge } from "@/components/StatusBadge";
import { TestData } from "@/components/sandbox/TestData";
import { formatPaise } from "@/lib/money";
import { formatDateTime } from "@/lib/time";
import { sandbox } from "@/lib/sandbox";

export const metadata: Metadata = { title: "Plural sandbox" };

const btn = "rounded-lg border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-50";

/** What the simulated Plural holds: orders, payments, webhook deliveries, and its knobs. */
export default function SandboxDashboard() {
  const sb = sandbox();
  const s = sb.settings;
  const webhooks = sb.webhookLog();
  const all = sb.ordersNewestFirst();
  const orders = all.filter((o) => o.type === "CHARGE").slice(0, 30);

  return (
    <div className="space-y-10">
      <header className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Plural sandbox</h1>
          <p className="text-slate-600">
            A stateful simulation of Plural&apos;s UAT API at <code className="font-mono text-sm">/sandbox/api</code>. The store talks to it over HTTP, exactly
            as it would to Plural.
          </p>
        </div>
        <div className="flex flex-wrap gap-2">
          <Link href="/sandbox/upi" className="rounded-lg bg-brand-600 px-3 py-1.5 text-sm font-medium text-white">
            Open the sandbox UPI app
          </Link>
          <Link href="/sandbox" className={btn}>
            Refresh
          </Link>
          <form action={expireTokens}>
            <button className={btn}>Expire all tokens</button>
          </form>
          <form action={clearFaults}>
            <button className={btn}>Clear faults ({sb.state.faults.length})</button>
          </form>
          <form action={resetSandbox}>
            <button className={`${btn} text-red-700`}>Reset data</button>
          </form>
        </div>
      </header>

      <section aria-labelledby="orders-h">
        <h2 id="orders-h" className="text-lg font-semibold mb-3">
          Orders <span className="text-slate-500 font-normal">({all.length})</span>
        </h2>
        {orders.length === 0 ? (
          <p className="text-slate-600">No orders yet. Check out in the store, or create one with curl (see the README).</p>
        ) : (
          <div className="overflow-x-auto rounded-xl bg-white ring-1 ring-slate-200">
            <table className="w-full text-sm">
              <thead className="bg-slate-50 text-left text-slate-600">
                <tr>
                  <th className="px-3 py-2">Order</th>
                  <th className="px-3 py-2">Reference</th>
                  <th className="px-3 py-2">Amount</th>
                  <th className="px-3 py-2">Status</th>
                  <th className="px-3 py-2">Payments</th>
                  <th className="px-3 py-2">Created</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {orders.map((o) => (
                  <tr key={o.order_id} className="align-top">
                    <td className="px-3 py-2 font-mono text-xs">{o.order_id}</td>
                    <td className="px-3 py-2 font-mono text-xs">{o.merchant_order_reference}</td>
                    <td className="px-3 py-2 whitespace-nowrap">{formatPaise(o.order_amount.value)}</td>
                    <td className="px-3 py-2">
                      <StatusBadge status={o.status} />
                      {o.pre_auth && <span className="ml-1 text-xs text-slate-500">pre-auth</span>}
                      {o.refunded > 0 && <div className="text-xs text-slate-500">refunded {formatPaise(o.refunded)}</div>}
                    </td>
                    <td className="px-3 py-2">
                      <ul className="space-y-1">
                        {o.payments.map((p) => (
                          <li key={p.id} className="flex flex-wrap items-center gap-2">
                            <span className="font-mono text-xs">{p.id.slice(-4)}</span>
                            <span className="text-xs">{p.txn_mode === "COLLECT" ? `collect ${p.payer_vpa ?? ""}` : p.upi_qr ? "QR" : "intent"}</span>
                            <StatusBadge status={p.status} />
                            {p.error_detail && <span className="text-xs text-red-700">{p.error_detail.code}</span>}
                            {p.status === "PENDING" && (
                              <Link
                                className="text-xs text-brand-700 underline"
                                href={
                                  p.txn_mode === "COLLECT"
                                    ? `/sandbox/upi?vpa=${encodeURIComponent(p.payer_vpa ?? "")}`
                                    : `/sandbox/upi?link=${encodeURIComponent(p.link)}`
                                }
                              >
                                answer
                              </Link>
                            )}
                          </li>
                        ))}
                      </ul>
                    </td>
                    <td className="px-3 py-2 text-xs text-slate-500 whitespace-nowrap">{formatDateTime(o.created_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="hooks-h">
        <h2 id="hooks-h" className="text-lg font-semibold mb-1">
          Webhook deliveries
        </h2>
        <p className="text-sm text-slate-600 mb-3">
          To <code className="font-mono">{s.webhook.url}</code>, signed with Standard Webhooks headers; retried up to {s.webhook.retries} times.
        </p>
        {webhooks.length === 0 ? (
          <p className="text-slate-600">None yet.</p>
        ) : (
          <div className="overflow-x-auto rounded-xl bg-white ring-1 ring-slate-200">
            <table className="w-full text-sm">
              <thead className="bg-slate-50 text-left text-slate-600">
                <tr>
                  <th className="px-3 py-2">Event</th>
                  <th className="px-3 py-2">Order</th>
                  <th className="px-3 py-2">webhook-id</th>
                  <th className="px-3 py-2">State</th>
                  <th className="px-3 py-2">Answers</th>
                  <th className="px-3 py-2">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {webhooks.slice(0, 40).map((d, i) => (
                  <tr key={`${d.id}-${i}`}>
                    <td className="px-3 py-2 font-medium">{d.event_type}</td>
                    <td className="px-3 py-2 font-mono text-xs">{d.order_id}</td>
                    <td className="px-3 py-2 font-mono text-xs">{d.id}</td>
                    <td className="px-3 py-2">
                      <StatusBadge status={d.state} />
                    </td>
                    <td className="px-3 py-2 text-xs">{d.attempts.map((a) => a.status ?? a.error).join(", ") || "–"}</td>
                    <td className="px-3 py-2">
                      <form action={redeliverWebhook}>
                        <input type="hidden" name="id" value={d.id} />
                        <button className="text-xs text-brand-700 underline">redeliver</button>
                      </form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="settings-h" className="rounded-xl bg-white p-5 ring-1 ring-slate-200">
        <h2 id="settings-h" className="text-lg font-semibold mb-3">
          Behaviour
        </h2>
        <form action={saveSettings} className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3 text-sm">
          <label className="grid gap-1 content-start">
            <span className="font-medium">challenge_url</span>
            <select name="challenge_mode" defaultValue={s.challenge_mode} className="rounded border border-slate-300 p-1.5">
              <option value="upi">upi:// deep link (UPI intent/QR)</option>
              <option value="landing">https landing page (redirect flow)</option>
            </select>
          </label>
          <label className="grid gap-1 content-start">
            <span className="font-medium">Cancel API allowed</span>
            <select name="cancel_policy" defaultValue={s.cancel_policy} className="rounded border border-slate-300 p-1.5">
              <option value="authorized_only">only when AUTHORIZED</option>
              <option value="any_open">on any open order</option>
            </select>
          </label>
          <label className="grid gap-1 content-start">
            <span className="font-medium">Payment expiry (s)</span>
            <input
              name="payment_expiry_seconds"
              type="number"
              min={1}
              defaultValue={s.payment_expiry_seconds}
              className="rounded border border-slate-300 p-1.5"
            />
          </label>
          <label className="grid gap-1 content-start">
            <span className="font-medium">Token lifetime (s)</span>
            <input name="token_ttl_seconds" type="number" min={1} defaultValue={s.token_ttl_seconds} className="rounded border border-slate-300 p-1.5" />
          </label>
          <label className="grid gap-1 content-start">
            <span className="font-medium">Webhook delay (ms)</span>
            <input name="webhook_delay_ms" type="number" min={0} defaultValue={s.webhook.delay_ms} className="rounded border border-slate-300 p-1.5" />
          </label>
          <fieldset className="grid gap-1 content-start">
            <legend className="font-medium">Webhooks</legend>
            <label className="flex gap-2">
              <input type="checkbox" name="webhook_enabled" defaultChecked={s.webhook.enabled} /> send
            </label>
            <label className="flex gap-2">
              <input type="checkbox" name="webhook_duplicate" defaultChecked={s.webhook.duplicate} /> deliver twice
            </label>
            <label className="flex gap-2">
              <input type="checkbox" name="webhook_out_of_order" defaultChecked={s.webhook.out_of_order} /> out of order
            </label>
            <label className="flex gap-2">
              <input type="checkbox" name="webhook_drop" defaultChecked={s.webhook.drop >= 1} /> drop all
            </label>
          </fieldset>
          <div className="sm:col-span-2 lg:col-span-3">
            <button className="rounded-lg bg-brand-600 px-4 py-2 font-medium text-white">Save</button>
          </div>
        </form>
        <p className="mt-3 text-xs text-slate-500">
          Every knob, including fault injection (429/5xx, latency, hung requests), is also on the control API:{" "}
          <code className="font-mono">/sandbox/control/settings</code>, <code className="font-mono">/sandbox/control/faults</code>.
        </p>
      </section>

      <section aria-labelledby="test-h" className="rounded-xl bg-white p-5 ring-1 ring-slate-200">
        <h2 id="test-h" className="text-lg font-semibold mb-3">
          Test data
        </h2>
        <TestData />
      </section>
    </div>
  );
}
