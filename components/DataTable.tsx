/**
 * The one table shell of the console and the sandbox: a white card that scrolls sideways on a phone,
 * a header row, and the rows passed as children. A column may be named for screen readers only.
 */
export function DataTable({
  columns,
  testId,
  children,
}: {
  columns: Array<string | { label: string; hidden?: boolean }>;
  testId?: string;
  children: React.ReactNode;
}) {
  return (
    <div className="overflow-x-auto rounded-xl bg-white ring-1 ring-slate-200">
      <table className="w-full text-sm" data-testid={testId}>
        <thead className="bg-slate-50 text-left text-slate-600">
          <tr>
            {columns.map((c) => {
              const { label, hidden } = typeof c === "string" ? { label: c, hidden: false } : c;
              return (
                <th key={label} className="px-3 py-2">
                  {hidden ? <span className="sr-only">{label}</span> : label}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">{children}</tbody>
      </table>
    </div>
  );
}
