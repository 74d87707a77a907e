/**
 * Response samples exactly as Pine Labs documents them (their Orders, Payments, Refunds and Webhooks
 * pages, and the Seamless UPI integration steps). Tests check that our schemas accept them and that the sandbox's answers have their shape.
 */
export const DOC_CREATE_ORDER_RESPONSE = {
  data: {
    order_id: "v1-4405071524-aa-qlAtAf",
    merchant_order_reference: "112345",
    type: "CHARGE",
    status: "CREATED",
    merchant_id: "104359",
    order_amount: { value: 1100, currency: "INR" },
    pre_auth: false,
    notes: "order1",
    purchase_details: {
      customer: {
        email_id: "kevin.bob@example.com",
        first_name: "Kevin",
        last_name: "Bob",
        customer_id: "123456",
        mobile_number: "9876543210",
        billing_address: {
          address1: "10 Downing Street Westminster London",
          pincode: "51524036",
          city: "Westminster",
          state: "Westminster",
          country: "London",
        },
      },
      merchant_metadata: { key1: "DD", key2: "XOF" },
    },
    payments: [],
    created_at: "2024-07-15T05:44:51.174Z",
    updated_at: "2024-07-15T05:44:51.174Z",
  },
};

export const DOC_INTENT_RESPONSE = {
  data: {
    order_id: "v1-240820090251-aa-xwuI7J",
    status: "PENDING",
    order_amount: { value: 100, currency: "INR" },
    challenge_url: "upi://pay?mode=04&pa=pinelabs.24092@hdfcbank&pn=Pine%20Test&mc=6012&cu=INR&am=1.00&tr=68706&tn=Payment%20for%20v1",
    payments: [
      {
        id: "v1-240820090251-aa-xwuI7J-up-6",
        status: "PENDING",
        payment_method: "UPI",
        payment_option: { upi_details: { txn_mode: "INTENT" } },
        acquirer_data: { approval_code: "", acquirer_reference: "", rrn: "", is_aggregator: true },
      },
    ],
  },
};

export const DOC_COLLECT_RESPONSE = {
  data: {
    order_id: "v1-240821055834-aa-ksDPRb",
    merchant_order_reference: "8edb181b-0359-4191-b5ad-f630cafc0733",
    type: "CHARGE",
    status: "PENDING",
    merchant_id: "110047",
    order_amount: { value: 100, currency: "INR" },
    notes: "some order",
    pre_auth: false,
    payments: [
      {
        id: "v1-240821055834-aa-ksDPRb-up-Y",
        status: "PENDING",
        payment_amount: { value: 100, currency: "INR" },
        payment_method: "UPI",
        acquirer_data: { approval_code: "", acquirer_reference: "", rrn: "" },
        created_at: "2024-08-21T05:58:34.771Z",
        updated_at: "2024-08-21T05:58:59.851Z",
      },
    ],
    created_at: "2024-08-21T05:58:34.771Z",
    updated_at: "2024-08-21T05:58:59.851Z",
  },
};

/** The QR answer names the UPI block `upi_data` (the request says `upi_details`) and adds `image_url`. */
export const DOC_QR_RESPONSE = {
  data: {
    order_id: "v1-240828181232-aa-7cGcgo",
    status: "PENDING",
    order_amount: { value: 100, currency: "INR" },
    integration_mode: "SEAMLESS",
    challenge_url: "upi://pay?mode=04&pa=pinelabs.24092@hdfcbank&pn=Pine%20Test&mc=6012&cu=INR&am=1.00&tr=68707&tn=Payment%20for%20v1",
    image_url: "https://upi-gateway-service-bucket.s3.ap-south-1.amazonaws.com/qr.png?X-Amz-Expires=1200",
    payments: [
      {
        id: "v1-240828181232-aa-7cGcgo-up-Q",
        status: "PENDING",
        payment_method: "UPI",
        payment_option: { upi_data: { txn_mode: "INTENT", upi_qr: true } },
      },
    ],
  },
};

/** Pine Labs' "Seamless UPI integration steps", Create Payment, the QR flow's sample answer: flat, not wrapped in `data`. */
export const DOC_FLAT_QR_RESPONSE = {
  payment_id: "payment-id-1",
  status: "INITIATED",
  challenge_url: "https://acs.domain/authenticate",
  image_url: "Presigned Url to qr image in s3 bucket",
};

export const DOC_WEBHOOK_ORDER_PROCESSED = {
  event_type: "ORDER_PROCESSED",
  data: {
    order_id: "v1-240912090202-aa-LAKYlA",
    merchant_order_reference: "6c59c3e2-aaaa",
    type: "CHARGE",
    status: "PROCESSED",
    merchant_id: "110047",
    order_amount: { value: 100, currency: "INR" },
    pre_auth: false,
    notes: "order1",
    callback_url: "https://sample-callback-url",
    failure_callback_url: "https://failure.callback.com",
    purchase_details: { customer: {}, merchant_metadata: { key1: "value1" } },
    payments: [
      {
        id: "v1-240912090202-aa-LAKYlA-up-s",
        merchant_payment_reference: "008cf04b-aaaa",
        status: "PROCESSED",
        payment_amount: { value: 100, currency: "INR" },
        payment_method: "UPI",
        payment_option: {
          upi_data: {
            txn_mode: "INTENT",
            payee: { reference_id: "174425", reference_type: "MERCHANT", vpa: "pinelabs.24092@hdfcbank", acquirer_name: "HDFC" },
            payer: { vpa: "saklania8-2@okicici", phone_number: "918979279800", account_type: "SAVINGS" },
          },
        },
        acquirer_data: { approval_code: "00", acquirer_reference: "462274903205", rrn: "", is_aggregator: true },
        created_at: "2024-09-12T09:02:02.024Z",
        updated_at: "2024-09-12T09:04:41.960Z",
      },
    ],
    created_at: "2024-09-12T09:02:02.024Z",
    updated_at: "2024-09-12T09:04:41.960Z",
    integration_mode: "SEAMLESS",
  },
};

export const DOC_REFUND_ORDER_RESPONSE = {
  data: {
    order_id: "v1-240828181713-aa-hNlYwt",
    parent_order_id: "v1-241010055924-aa-AHbN0s",
    merchant_order_reference: "refund_ord_20250101_0001_1",
    type: "REFUND",
    status: "PROCESSED",
    merchant_id: "109500",
    order_amount: { value: 1100, currency: "INR" },
    payments: [
      {
        id: "v1-240828181713-aa-hNlYwt-cc-K",
        status: "PROCESSED",
        payment_method: "CARD",
        payment_amount: { value: 1100, currency: "INR" },
        acquirer_data: { approval_code: "", acquirer_reference: "7248690362736367903954", rrn: "", is_aggregator: true },
      },
    ],
    created_at: "2024-08-28T18:17:13.000Z",
    updated_at: "2024-08-28T18:17:13.000Z",
    integration_mode: "SEAMLESS",
  },
};

/** The older refund page's shape ("Create Refund"). */
export const DOC_REFUND_LIST_RESPONSE = {
  data: {
    order_id: "v1-241010055924-aa-AHbN0s",
    refunds: [
      {
        merchant_refund_reference: "refund_ord_1",
        refund_id: "v1-rf-0001",
        status: "PROCESSED",
        merchant_id: "109500",
        refund_amount: { value: 500, currency: "INR" },
      },
    ],
  },
};
