import { DataTable } from "@/components/DataTable";

/**
 * The sandbox pages' one shell: a titled section, optionally a white card, optionally a table with
 * its header row (the orders and webhook lists). Rows are passed as children.
 */
export function Panel({
  id,
  title,
  count,
  description,
  card = false,
  empty,
  columns,
  children,
}: {
  id: string;
  title: string;
  count?: number;
  description?: React.ReactNode;
  card?: boolean;
  /** Shown instead of the table when set (nothing to list). */
  empty?: React.ReactNode;
  /** Column headings: the panel renders a table and `children` are its rows. */
  columns?: Array<{ label: string; hidden?: boolean }>;
  children?: React.ReactNode;
}) {
  const heading = (
    <h2 id={id} className={`text-lg font-semibold ${description ? "mb-1" : "mb-3"}`}>
      {title}
      {count !== undefined && <span className="text-slate-500 font-normal"> ({count})</span>}
    </h2>
  );
  let body: React.ReactNode = children;
  if (empty) body = <p className="text-slate-600">{empty}</p>;
  else if (columns) {
    body = <DataTable columns={columns}>{children}</DataTable>;
  }
  return (
    <section aria-labelledby={id} className={card ? "rounded-xl bg-white p-5 ring-1 ring-slate-200" : undefined}>
      {heading}
      {description && <p className="text-sm text-slate-600 mb-3">{description}</p>}
      {body}
    </section>
  );
}

/** A table cell of the panel's table. */
export function Cell({ children, className = "" }: { children?: React.ReactNode; className?: string }) {
  return <td className={`px-3 py-2 ${className}`}>{children}</td>;
}
