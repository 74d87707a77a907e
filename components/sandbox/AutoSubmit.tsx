"use client";

import { useEffect, useRef } from "react";

/** The form Plural posts back to the merchant's return URL; it submits itself, as Plural's page does. */
export function AutoSubmitForm({ action, fields }: { action: string; fields: Record<string, string> }) {
  const ref = useRef<HTMLFormElement>(null);
  useEffect(() => {
    const t = setTimeout(() => ref.current?.submit(), 400);
    return () => clearTimeout(t);
  }, []);
  return (
    <form ref={ref} method="post" action={action} className="mt-4">
      {Object.entries(fields).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      <button className="rounded-lg bg-brand-600 text-white px-4 py-2 font-medium">Return to the store</button>
    </form>
  );
}
