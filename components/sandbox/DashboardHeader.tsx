import Link from "next/link";

const buttonClass = "rounded-lg border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-50";

type Action = () => Promise<void>;

/** The dashboard's title and its one-click controls. */
export function DashboardHeader({ faults, actions }: { faults: number; actions: { expireTokens: Action; clearFaults: Action; reset: Action } }) {
  return (
    <header className="flex flex-wrap items-end justify-between gap-4">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Plural sandbox</h1>
        <p className="text-slate-600">
          A stateful simulation of Plural&apos;s UAT API at <code className="font-mono text-sm">/sandbox/api</code>. The store talks to it over HTTP, exactly as
          it would to Plural.
        </p>
      </div>
      <div className="flex flex-wrap gap-2">
        <Link href="/sandbox/upi" className="rounded-lg bg-brand-600 px-3 py-1.5 text-sm font-medium text-white">
          Open the sandbox UPI app
        </Link>
        <Link href="/sandbox" className={buttonClass}>
          Refresh
        </Link>
        <form action={actions.expireTokens}>
          <button className={buttonClass}>Expire all tokens</button>
        </form>
        <form action={actions.clearFaults}>
          <button className={buttonClass}>Clear faults ({faults})</button>
        </form>
        <form action={actions.reset}>
          <button className={`${buttonClass} text-red-700`}>Reset data</button>
        </form>
      </div>
    </header>
  );
}
