"use client";

/** In place of a QR or app button whose payment ran out of time: a new payment on the same order. */
export function ExpiredNotice({ mode, pending, onNew }: { mode: string; pending: boolean; onNew: () => void }) {
  return (
    <div className="flex flex-col items-center gap-3 p-4 text-center" data-testid="qr-expired">
      <p className="font-medium">{mode === "COLLECT" ? "The request to your UPI ID has expired." : "This QR code has expired."}</p>
      <p className="text-sm text-slate-600">Get a new one to pay on this order.</p>
      <button onClick={onNew} disabled={pending} className="rounded-lg bg-brand-600 px-4 py-2 font-medium text-white disabled:opacity-60">
        {pending ? "Preparing…" : "New QR code"}
      </button>
    </div>
  );
}
