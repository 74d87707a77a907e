import "server-only";

export * from "./access";
export * from "./apply";
export * from "./cart";
export * from "./catalog";
export * from "./checkout";
export * from "./customer";
export * from "./machine";
export * from "./payments";
export * from "./sync";
export * from "./live-status";
export * from "./stream";
export * from "./statuses";
export * from "./webhook";
export * from "./reconcile";
export * from "./admin";
export * from "./callback";
export * from "./search";
