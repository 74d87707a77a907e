/** React's encoder for server action arguments, as Next bundles it (used by e2e/support/actions.ts). */
declare module "next/dist/compiled/react-server-dom-turbopack/client.edge" {
  export function encodeReply(value: unknown): Promise<string | FormData>;
}
