/** Upstream calls counted by the proxy, as one line; and small helpers the load benchmark's parts share. */

export const callsLine = (c) =>
  ["token", "createOrder", "createPayment", "getOrder", "getOrderByReference"]
    .map((k) => `${k} ${c[k] ?? 0}`)
    .concat(
      Object.entries(c)
        .filter(([k]) => !["token", "createOrder", "createPayment", "getOrder", "getOrderByReference"].includes(k))
        .map(([k, v]) => `${k} ${v}`),
    )
    .join(", ");

export const range = (n) => Array.from({ length: n }, (_, i) => i);
