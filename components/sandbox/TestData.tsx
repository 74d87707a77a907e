import type { TestDataView } from "@/lib/sandbox";

/** The sandbox's test VPAs and amounts, like Stripe's test cards. */
export function TestData({ data, compact = false }: { data: TestDataView; compact?: boolean }) {
  return (
    <div className={`grid gap-6 ${compact ? "" : "md:grid-cols-2"}`}>
      <section aria-labelledby="test-vpas">
        <h3 id="test-vpas" className="font-medium mb-2">
          Test UPI IDs (collect)
        </h3>
        <table className="w-full text-sm">
          <tbody className="divide-y divide-slate-200">
            {data.vpas.map((v) => (
              <tr key={v.vpa}>
                <td className="py-1.5 pr-3 font-mono whitespace-nowrap">{v.vpa}</td>
                <td className="py-1.5 text-slate-600">{v.behaviour}</td>
              </tr>
            ))}
            <tr>
              <td className="py-1.5 pr-3 font-mono">any other</td>
              <td className="py-1.5 text-slate-600">Waits in that UPI ID&apos;s inbox in the sandbox UPI app</td>
            </tr>
          </tbody>
        </table>
      </section>
      <section aria-labelledby="test-amounts">
        <h3 id="test-amounts" className="font-medium mb-2">
          Test amounts (any mode)
        </h3>
        <table className="w-full text-sm">
          <tbody className="divide-y divide-slate-200">
            {data.amounts.map((a) => (
              <tr key={a.paise}>
                <td className="py-1.5 pr-3 font-mono whitespace-nowrap">
                  …{String(a.paise).padStart(2, "0")} paise ({a.example})
                </td>
                <td className="py-1.5 text-slate-600">{a.behaviour}</td>
              </tr>
            ))}
            <tr>
              <td className="py-1.5 pr-3 font-mono whitespace-nowrap">refund …{data.failingRefundPaise} paise</td>
              <td className="py-1.5 text-slate-600">The refund fails (REFUND_FAILED)</td>
            </tr>
          </tbody>
        </table>
      </section>
    </div>
  );
}
