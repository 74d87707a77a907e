"use client";

export type Tab = "qr" | "app" | "vpa";

const TABS: ReadonlyArray<readonly [Tab, string]> = [
  ["qr", "Scan QR"],
  ["app", "Pay with UPI app"],
  ["vpa", "Request on my UPI ID"],
];

/** The method switcher, as the ARIA tabs pattern (arrows move between tabs). Panels carry id `panel-<tab>`. */
export function MethodTabs({ tab, onChange }: { tab: Tab; onChange: (t: Tab) => void }) {
  return (
    <div
      role="tablist"
      aria-label="How to pay"
      className="grid grid-cols-3 gap-1 rounded-xl bg-slate-100 p-1 text-sm"
      onKeyDown={(e) => {
        const i = TABS.findIndex(([id]) => id === tab);
        const next = e.key === "ArrowRight" ? (i + 1) % TABS.length : e.key === "ArrowLeft" ? (i + TABS.length - 1) % TABS.length : -1;
        if (next < 0) return;
        e.preventDefault();
        onChange(TABS[next]![0]);
        document.getElementById(`tab-${TABS[next]![0]}`)?.focus();
      }}
    >
      {TABS.map(([id, label]) => (
        <button
          key={id}
          role="tab"
          id={`tab-${id}`}
          tabIndex={tab === id ? 0 : -1}
          aria-selected={tab === id}
          aria-controls={`panel-${id}`}
          onClick={() => onChange(id)}
          className={`rounded-lg px-2 py-2 font-medium ${tab === id ? "bg-white shadow-sm" : "text-slate-600 hover:text-slate-900"}`}
        >
          {label}
        </button>
      ))}
    </div>
  );
}
