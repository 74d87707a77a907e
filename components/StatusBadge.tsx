const TONES: Record<string, string> = {
  PROCESSED: "bg-emerald-100 text-emerald-800 ring-emerald-200",
  AUTHORIZED: "bg-sky-100 text-sky-800 ring-sky-200",
  PENDING: "bg-amber-100 text-amber-800 ring-amber-200",
  CREATED: "bg-slate-100 text-slate-700 ring-slate-200",
  ATTEMPTED: "bg-orange-100 text-orange-800 ring-orange-200",
  FAILED: "bg-red-100 text-red-800 ring-red-200",
  CANCELLED: "bg-slate-200 text-slate-700 ring-slate-300",
  PARTIALLY_REFUNDED: "bg-violet-100 text-violet-800 ring-violet-200",
  FULLY_REFUNDED: "bg-violet-100 text-violet-800 ring-violet-200",
  delivered: "bg-emerald-100 text-emerald-800 ring-emerald-200",
  scheduled: "bg-amber-100 text-amber-800 ring-amber-200",
  failed: "bg-red-100 text-red-800 ring-red-200",
  dropped: "bg-slate-200 text-slate-700 ring-slate-300",
};

/** A status as a small pill; the text is the status itself, so colour is never the only signal. */
export function StatusBadge({ status }: { status: string }) {
  return (
    <span className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${TONES[status] ?? TONES.CREATED}`}>
      {status.replaceAll("_", " ")}
    </span>
  );
}
