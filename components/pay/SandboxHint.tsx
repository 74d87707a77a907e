/**
 * Sandbox mode only: where the sandbox's test UPI IDs are listed (its own test-data panel), so the
 * shop's pages need none of the sandbox's code.
 */
export function SandboxHint({ sandbox }: { sandbox: string }) {
  return (
    <p className="mt-4 text-sm text-slate-600">
      Sandbox:{" "}
      <a href={`${sandbox}#test-h`} target="_blank" rel="noreferrer" className="text-brand-700 underline">
        test UPI IDs and what each one does
      </a>
    </p>
  );
}
