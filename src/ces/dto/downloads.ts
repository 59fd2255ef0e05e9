// The reply of the source-download endpoints (docs/ces-api.md §2.6): a zip of the members, with the file
// name in `Content-Disposition`; or, where CES has nothing to send, a JSON `{message}`. The CES
// client hands the bytes over unread; src/ces/source-zip.ts opens them.
import { z } from 'zod';

export const SourceDownload = z.object({
  /** The zip as CES sent it; absent when CES answered with a message instead. */
  zip: z.instanceof(Uint8Array).optional(),
  /** From `Content-Disposition: attachment; filename=…`. */
  fileName: z.string().optional(),
  message: z.string().optional(),
});
export type SourceDownload = z.output<typeof SourceDownload>;
