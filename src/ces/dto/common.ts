// Building blocks for CES reply schemas. Replies are validated leniently: unknown fields pass
// through (CES versions add fields), and list fields accept the CES one-element-list-as-object
// quirk (docs/ces-api.md §3, bug CWE-124094).
import { z } from 'zod';

/** A list field that CES may send as an array, as a lone object (one element) or not at all. */
export function listOf<T extends z.ZodType>(item: T) {
  return z.preprocess(
    (value): unknown[] => (value === undefined || value === null ? [] : Array.isArray(value) ? (value as unknown[]) : [value]),
    z.array(item),
  );
}

/** Text fields: CES sends blanks as " " and sometimes numbers where text is expected. */
export const text = z
  .union([z.string(), z.number(), z.boolean()])
  .transform((v) => String(v))
  .optional();

/** Booleans that CES or its clients may spell as strings. */
export const flag = z
  .union([z.boolean(), z.enum(['true', 'false', 'TRUE', 'FALSE', 'Y', 'N'])])
  .transform((v) => v === true || v === 'true' || v === 'TRUE' || v === 'Y')
  .optional();

/** A CES `message` that may be one string or a list of strings. */
export const messageText = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v.join('\n') : v))
  .optional();

/** The error body every CES error carries (docs/ces-api.md §5). */
export const CesErrorBody = z.looseObject({ message: messageText });
export type CesErrorBody = z.output<typeof CesErrorBody>;
