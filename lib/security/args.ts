import { z } from "zod";
import { MAX_QUANTITY } from "@/lib/orders/cart/cart";
import { ORDER_ID } from "@/lib/orders/access/order-access";

/**
 * The shapes of server action arguments. A server action is a public HTTP endpoint: anything React
 * can encode (strings, numbers, BigInts, Dates, Maps, FormData, nested arrays, ...) can arrive in
 * any position, so every action checks its arguments here before it reads a cookie or the database.
 */

/** Database ids (Prisma cuids) and anything of that alphabet and size. */
const idArg = z.string().regex(ORDER_ID);
export const orderIdArg = idArg;
export const productIdArg = idArg;
export const formArg = z.instanceof(FormData);

/** A FormData field that must be a string of at most `max` characters (a File or a missing field is not). */
export const field = (max: number) => z.string().max(max);

export const quantityArg = z.number().int().min(0).max(MAX_QUANTITY);
/** Added from a product card or page: 1 unless the form says otherwise. */
export const addQuantityArg = z.coerce.number().int().min(1).max(MAX_QUANTITY);

export const paymentModeArg = z.enum(["QR", "COLLECT"]);
/** UPI IDs are at most 255 characters (NPCI); the format itself is checked by lib/plural. */
export const vpaArg = z.string().max(255).optional();

export const adminActionArg = z.enum(["capture", "cancel", "sync", "refund", "refund-late"]);
export const refundKeyArg = z.string().max(64);
export const passwordArg = z.string().min(1).max(1024);

/** The fields of Plural's return (a handful, each short): anything far bigger is not one. */
export const returnFieldsArg = z.record(z.string().max(64), z.string().max(2048)).refine((f) => Object.keys(f).length <= 64);
