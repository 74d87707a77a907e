/** Times are shown in India Standard Time, whatever the server's zone. */
export function formatDateTime(d: Date | number, precision: "minutes" | "seconds" = "minutes"): string {
  return new Date(d).toLocaleString("en-IN", { timeZone: "Asia/Kolkata", dateStyle: "medium", timeStyle: precision === "seconds" ? "medium" : "short" });
}
