import type { DashboardView } from "@/lib/sandbox";
import { Panel } from "./Panel";

const field = "rounded border border-slate-300 p-1.5";

function NumberField({ name, label, value, min }: { name: string; label: string; value: number; min: number }) {
  return (
    <label className="grid gap-1 content-start">
      <span className="font-medium">{label}</span>
      <input name={name} type="number" min={min} defaultValue={value} className={field} />
    </label>
  );
}

function Select({ name, label, value, options }: { name: string; label: string; value: string; options: Array<[string, string]> }) {
  return (
    <label className="grid gap-1 content-start">
      <span className="font-medium">{label}</span>
      <select name={name} defaultValue={value} className={field}>
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The knobs a person turns most: challenge mode, cancel policy, expiry, token lifetime, webhook behaviour. */
export function SettingsForm({
  settings: s,
  profile,
  overridden,
  save,
}: {
  settings: DashboardView["settings"];
  /** friendly, strict or custom (README, "Profiles"). */
  profile: string;
  overridden: string[];
  save: (form: FormData) => Promise<void>;
}) {
  const checkbox = (name: string, label: string, checked: boolean) => (
    <label className="flex gap-2">
      <input type="checkbox" name={name} defaultChecked={checked} /> {label}
    </label>
  );
  return (
    <Panel id="settings-h" title="Behaviour" card>
      <form action={save} className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3 text-sm">
        <Select
          name="profile"
          label="Where Plural's documents disagree"
          value={profile}
          options={[
            ["friendly", "friendly: the easiest reading"],
            ["strict", "strict: the harshest documented reading"],
            ...(profile === "custom" ? [["custom", "custom: readings set one by one"] as [string, string]] : []),
          ]}
        />
        <Select
          name="challenge_mode"
          label="challenge_url"
          value={s.challenge_mode}
          options={[
            ["upi", "upi:// deep link (UPI intent/QR)"],
            ["landing", "https landing page (redirect flow)"],
          ]}
        />
        <Select
          name="cancel_policy"
          label="Cancel API allowed"
          value={s.cancel_policy}
          options={[
            ["authorized_only", "only when AUTHORIZED"],
            ["any_open", "on any open order"],
          ]}
        />
        <NumberField name="payment_expiry_seconds" label="Payment expiry (s)" value={s.payment_expiry_seconds} min={1} />
        <NumberField name="token_ttl_seconds" label="Token lifetime (s)" value={s.token_ttl_seconds} min={1} />
        <NumberField name="webhook_delay_ms" label="Webhook delay (ms)" value={s.webhook.delay_ms} min={0} />
        <fieldset className="grid gap-1 content-start">
          <legend className="font-medium">Webhooks</legend>
          {checkbox("webhook_enabled", "send", s.webhook.enabled)}
          {checkbox("webhook_duplicate", "deliver twice", s.webhook.duplicate)}
          {checkbox("webhook_out_of_order", "out of order", s.webhook.out_of_order)}
          {checkbox("webhook_drop", "drop all", s.webhook.drop >= 1)}
        </fieldset>
        <div className="sm:col-span-2 lg:col-span-3">
          <button className="rounded-lg bg-brand-600 px-4 py-2 font-medium text-white">Save</button>
        </div>
      </form>
      <p className="mt-3 text-xs text-slate-500">
        Every knob, including fault injection (429/5xx, latency, hung requests), is also on the control API:{" "}
        <code className="font-mono">/sandbox/control/settings</code>, <code className="font-mono">/sandbox/control/faults</code>. The webhook URL, merchant name
        and payee VPA follow the environment at each start
        {overridden.length ? (
          <>
            , except what was set through the control API: <code className="font-mono">{overridden.join(", ")}</code>
          </>
        ) : null}
        .
      </p>
    </Panel>
  );
}
