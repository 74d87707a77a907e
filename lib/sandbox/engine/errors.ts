const BRAND = Symbol.for("plural-upi-storefront.SandboxError");

/** A refusal in Plural's terms (HTTP status, error code, message). */
export class SandboxError extends Error {
  /** The sandbox is shared by every route bundle: recognise each bundle's copy of this class. */
  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
  readonly [BRAND] = true;
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "SandboxError";
  }
}

/** ORDER_NOT_FOUND: 404 in the error table, 422 in a sample on the same page (Pine Labs' "Error Codes" page; setting `order_not_found_status`). */
export const orderNotFound = (status: 404 | 422 = 404) => new SandboxError(status, "ORDER_NOT_FOUND", "No order with specified order-id exists in the system");
export const notAllowed = () => new SandboxError(422, "OPERATION_NOT_ALLOWED", "The operation is not allowed as the required precondition has failed");
