import type { WebhookHealth } from "@/lib/sandbox";
import { formatDateTime } from "@/lib/time";

/** A warning when the store does not take the sandbox's webhooks (wrong URL, store down, non-2xx answers). */
export function WebhookHealthBanner({ health }: { health: WebhookHealth }) {
  if (health.state !== "failing" && health.state !== "retrying") return null;
  const failing = health.state === "failing";
  const e = health.last_error!;
  return (
    <div
      role="alert"
      data-testid="webhook-warning"
      className={`rounded-xl p-4 ring-1 ${failing ? "bg-red-50 text-red-900 ring-red-200" : "bg-amber-50 text-amber-900 ring-amber-200"}`}
    >
      <p className="font-semibold">{failing ? "Webhooks are not reaching the store" : "Webhook deliveries are failing (retrying)"}</p>
      <p className="mt-1 text-sm">
        <code className="font-mono break-all">{health.url}</code> answered <strong>{e.error}</strong> to {e.event_type} ({e.delivery_id}) at{" "}
        {formatDateTime(Date.parse(e.at), "seconds")}.
        {failing && ` ${health.undelivered} ${health.undelivered === 1 ? "delivery has" : "deliveries have"} given up.`}
        {health.last_success_at ? ` Last accepted: ${formatDateTime(Date.parse(health.last_success_at), "seconds")}.` : " None has been accepted yet."}
      </p>
      <p className="mt-1 text-sm">
        Is the store running at that address? The URL follows <code className="font-mono">APP_URL</code> at each start unless it was set through{" "}
        <code className="font-mono">PATCH /sandbox/control/settings</code>. The store still learns every status by asking (Get Order), only later.
      </p>
    </div>
  );
}
