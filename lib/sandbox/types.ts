/** The sandbox's own records. They serialise to JSON as they are (timestamps in ms). */

type Money = { value: number; currency: string };

export type SimPayment = {
  id: string;
  merchant_payment_reference: string;
  request_hash: string;
  status: "PENDING" | "AUTHORIZED" | "PROCESSED" | "CANCELLED" | "FAILED";
  amount: Money;
  txn_mode: "INTENT" | "COLLECT";
  upi_qr: boolean;
  payer_vpa?: string;
  /** Numeric transaction reference carried in the `tr` of the UPI link. */
  tr: string;
  link: string;
  challenge_url?: string;
  /** Automatic outcome (test VPA or amount) and when it happens. */
  auto?: { outcome: "approve" | "decline"; code?: string; at: number };
  error_detail?: { code: string; message: string };
  acquirer_reference?: string;
  created_at: number;
  updated_at: number;
  expires_at: number;
  capture_data?: Array<{ merchant_capture_reference: string; capture_amount: Money; created_at: number }>;
  /** The settlement (its UTR) that paid this PROCESSED payment or deducted this refund. */
  settled_utr?: string;
};

/** One line of a settlement: a PROCESSED payment (paid out less MDR and GST) or a PROCESSED refund (deducted). */
export type SettlementLine = {
  transaction_id: string;
  kind: "payment" | "refund";
  order_id: string;
  /** Paise: the captured amount, or the refund's amount. */
  amount: number;
  mdr: number;
  gst: number;
  processed_at: number;
};

/** A settlement batch: one bank transfer, identified by its UTR. Amounts in paise. */
export type SimSettlement = {
  utr: string;
  settled_at: number;
  /** The run's cut-off: everything processed before it was settled. */
  cutoff: number;
  lines: SettlementLine[];
  /** Lines whose amount the run was told to misreport (control API), by transaction id: what Plural says instead. */
  misreported?: Record<string, number>;
  bank_name: string;
  bank_acc_number: string;
};

export type SimOrder = {
  order_id: string;
  merchant_order_reference: string;
  request_hash: string;
  type: "CHARGE" | "REFUND";
  status: string;
  order_amount: Money;
  pre_auth: boolean;
  notes?: string;
  callback_url?: string;
  failure_callback_url?: string;
  allowed_payment_methods?: string[];
  purchase_details?: Record<string, unknown>;
  payment_retries_remaining: number;
  payments: SimPayment[];
  /** For CHARGE orders: ids of REFUND orders. For REFUND orders: the parent. */
  refund_ids: string[];
  parent_order_id?: string;
  refunded: number;
  created_at: number;
  updated_at: number;
};

/** One try at delivering a webhook: where it went (absent in files from before this was recorded) and the answer. */
type DeliveryAttempt = { at: number; status: number | null; error?: string; ms: number; url?: string };

export type Delivery = {
  /** The sandbox's own key for this record (a redelivered duplicate shares the webhook-id, not the key). */
  key: number;
  id: string;
  event_type: string;
  order_id: string;
  body: string;
  state: "scheduled" | "delivered" | "failed" | "dropped";
  attempts: DeliveryAttempt[];
  next_at: number;
  created_at: number;
  /** When (ms since the epoch) the first attempt was signed: what a "first" timestamp keeps. */
  first_signed_ms?: number;
  /** How long the retry schedule has waited so far, in real time before `time_scale` (what a kept timestamp has aged by). */
  waited_ms?: number;
};

export type FaultRule = {
  id: string;
  /** Operation name (token, createOrder, getOrder, getOrderByReference, createPayment, capture, cancel, refund) or "*". */
  endpoint: string;
  kind: "status" | "latency" | "hang";
  status?: number;
  code?: string;
  latency_ms?: number;
  /** Apply to the next N matching calls; unset = every matching call. */
  remaining?: number;
  /** Probability (0–1) that a matching call is affected; unset = 1. */
  share?: number;
  /** "after": do the work, then answer with the fault (a lost answer). Default "before". */
  phase?: "before" | "after";
  hits: number;
};

export type Settings = {
  token_ttl_seconds: number;
  payment_expiry_seconds: number;
  payment_retries: number;
  auto_answer_ms: number;
  refund_delay_ms: number;
  /** upi: challenge_url is the upi:// link; landing: an https page that redirects back (redirect flow). */
  challenge_mode: "upi" | "landing";
  /** replay: same reference + same body returns the order; reject: any repeat is DUPLICATE_REQUEST. */
  idempotency: "replay" | "reject";
  /** authorized_only (Pine Labs' "Cancel Order" page) or any_open (the UPI page's "at any time"). */
  cancel_policy: "authorized_only" | "any_open";
  /** A new payment on a PENDING order: replace the pending one, or refuse with PAYMENT_PENDING. */
  pending_payment_policy: "replace" | "reject";
  /** Create Payment's answer: the order wrapped in `data` (API pages), or the guide's flat `{payment_id, status, challenge_url, image_url}`. */
  payment_response: "wrapped" | "flat";
  /** `pre_auth: true` with UPI: honoured (the guide's ORDER_AUTHORIZED), or refused (the order docs: cards and points only). */
  pre_auth_upi: "honoured" | "refused";
  /** The HTTP status of ORDER_NOT_FOUND: 404 (the error table) or 422 (a sample on the same page). */
  order_not_found_status: 404 | 422;
  /** What a gateway in front of the API answers on a 404 for an unknown path and on injected faults: Plural's JSON, or an HTML page. */
  error_body: "json" | "html";
  /** Retry-After on an injected 429: sent (the sandbox's own choice), or absent (nothing documents it). */
  retry_after: "sent" | "absent";
  /** A refund of a PARTIALLY_CAPTURED order: allowed (the sandbox's own choice) or refused (refunds only from PROCESSED, Pine Labs' "Create Refund" page). */
  partial_capture_refunds: "allowed" | "refused";
  /** Webhooks for refunds: sent (REFUND_PROCESSED / REFUND_FAILED), or none (the refund is learnt only by asking). */
  refund_webhooks: "sent" | "none";
  webhook: {
    url: string;
    enabled: boolean;
    delay_ms: number;
    duplicate: boolean;
    out_of_order: boolean;
    /** Share (0–1) of events never delivered. */
    drop: number;
    timeout_ms: number;
    retries: number;
    retry_base_ms: number;
    /** backoff: `retries` retries, `retry_base_ms` doubling (the overview page's "three times"); documented: the retry page's schedule (immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h). */
    schedule: "backoff" | "documented";
    /** Each retry signed afresh, or with the first attempt's timestamp (whether Plural re-signs is undocumented). */
    timestamp: "fresh" | "first";
    /** The retry schedule runs this many times faster than real time (tests); a kept timestamp ages as fast. 1 = real time. */
    time_scale: number;
  };
  merchant_name: string;
  payee_vpa: string;
  settlement: SettlementSettings;
};

type SettlementSettings = {
  /** Settle by itself every day at `run_at` (India time); otherwise only when told (POST /sandbox/control/settlements/run). */
  auto: boolean;
  /** HH:MM, India time. */
  run_at: string;
  /** A payment settles at the first run at least this many days after it was processed (T+1 by default). */
  delay_days: number;
  /** MDR in basis points of each payment (200 = 2 %); GST in basis points of the MDR (1800 = 18 %). */
  mdr_bps: number;
  gst_bps: number;
  /** How long a settlement stays invisible to the API after it is made (Plural: "up to 3 hours"). */
  lag_ms: number;
  /** Refunds in a settlement: a line each (the sandbox's own choice), or only the UTR-level `total_refund` deduction (Pine Labs' "Get Settlements by UTR" samples). */
  refunds: "lines" | "deductions";
};

/** The state file's content in format version 1 (one JSON document, rewritten whole). Read for migration only. */
export type SandboxStateV1 = {
  version: 1;
  orders: Record<string, SimOrder>;
  order_refs: Record<string, string>;
  refund_refs: Record<string, string>;
  tokens: Record<string, number>;
  deliveries: Array<Omit<Delivery, "key"> & { key?: number }>;
  faults: FaultRule[];
  settings: Settings;
  seq: number;
};
