import { z } from 'zod';
import { systemIdSchema } from './systemRules.js';

/**
 * Free text a person reads (titles, names, labels): trimmed, `min` to `max` characters, and no
 * control characters. PostgreSQL refuses a NUL byte and SQLite keeps it, so it is refused here,
 * at the boundary, the same on both; tab and line breaks stay allowed.
 */
export const textSchema = (min: number, max: number) =>
  z
    .string()
    .trim()
    .min(min)
    .max(max)
    .refine((value) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(value), 'control characters are not allowed');

/** MyKad number: 12 digits, dashes (900101-01-1234) accepted and removed. */
export const nricSchema = z
  .string()
  .regex(/^\d{6}-?\d{2}-?\d{4}$/, 'expected a 12-digit MyKad number')
  .transform((value) => value.replace(/-/g, ''));

/** A registered system's id (its existence is the registry's to check). */
export const systemSchema = systemIdSchema;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Standard padded base64 (API.md: binary values). */
export const base64Schema = z.string().regex(BASE64, 'expected standard padded base64');

/** Base64 of exactly 32 bytes: a SHA-256 digest. */
export const sha256Base64Schema = z
  .string()
  // 32 bytes encode to 43 characters and one '=' of padding.
  .regex(/^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/, 'expected the base64 of a 32-byte SHA-256 digest');
