// Redaction of secrets from text that came from CES (error messages, a reply's `message`) before it
// can reach a tool result, a log line, an error or the audit file. CES may echo the token it was
// sent, and not always verbatim: base64- or hex-encoded, URL-encoded, upper- or lower-cased, or cut
// to a prefix. So every form below is matched case-insensitively, and any run of at least
// FRAGMENT_CHARS characters of any form is replaced — which catches long prefixes, suffixes and
// middles alike. Shorter secrets are matched whole. Then the text is capped, so CES cannot make the
// server echo an arbitrarily long message.

/** Shortest run of a secret's form that is redacted (a whole secret shorter than this still is). */
export const FRAGMENT_CHARS = 12;
/** Secrets shorter than this are not looked for: they would match ordinary words. */
export const MIN_SECRET_CHARS = 4;
/** Longest CES message text echoed into errors, tool results and audit events. */
export const MAX_CES_MESSAGE_CHARS = 1000;
export const REDACTED = '[redacted]';

// Case-folding must keep every index in place: only ASCII letters change (toLowerCase can change
// the length of some non-ASCII strings). Every encoded form is ASCII.
const fold = (text: string) => text.replace(/[A-Z]+/g, (s) => s.toLowerCase());

const toUrlSafe = (b64: string) => b64.replace(/\+/g, '-').replace(/\//g, '_');

/** base64 of the secret as it appears inside a longer encoded string, at each of the 3 byte alignments. */
function base64Forms(bytes: Buffer): string[] {
  const forms: string[] = [];
  for (let pad = 0; pad < 3; pad++) {
    let encoded = Buffer.concat([Buffer.alloc(pad), bytes])
      .toString('base64')
      .replace(/=+$/, '');
    // Drop the characters that also carry bits of neighbouring bytes: the first pad+1 when padded in
    // front, the last one when the final group is partial.
    if (pad > 0) encoded = encoded.slice(pad + 1);
    if ((pad + bytes.length) % 3 !== 0) encoded = encoded.slice(0, -1);
    if (encoded.length > 0) forms.push(encoded);
  }
  return forms;
}

/** The forms of a secret CES might echo. */
export function secretForms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const b64 = base64Forms(bytes);
  const forms = [secret, encodeURIComponent(secret), bytes.toString('hex'), ...b64, ...b64.map(toUrlSafe), ...b64.map(encodeURIComponent)];
  return [...new Set(forms.map(fold))];
}

interface Matcher {
  size: number;
  grams: Set<string>;
}

// Matchers by secret value; a handful at most live at once (token, per-user tokens, passphrase),
// and a rotation replaces one. Bounded so a stream of per-user tokens cannot grow it.
const matchers = new Map<string, Matcher>();
const MAX_MATCHERS = 64;

function matcherOf(secret: string): Matcher {
  let matcher = matchers.get(secret);
  if (matcher) return matcher;
  const size = Math.min(FRAGMENT_CHARS, secret.length);
  const grams = new Set<string>();
  for (const form of secretForms(secret)) {
    for (let i = 0; i + size <= form.length; i++) grams.add(form.slice(i, i + size));
  }
  matcher = { size, grams };
  if (matchers.size >= MAX_MATCHERS) matchers.delete(matchers.keys().next().value as string);
  matchers.set(secret, matcher);
  return matcher;
}

/** Replaces every occurrence of the secrets, in any of their forms and any long fragment of one. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  if (text === '') return text;
  const folded = fold(text);
  // [start, end) ranges to replace, collected per secret and merged below.
  const ranges: [number, number][] = [];
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_CHARS) continue;
    const { size, grams } = matcherOf(secret);
    for (let i = 0; i + size <= folded.length; i++) {
      if (!grams.has(folded.slice(i, i + size))) continue;
      const last = ranges.at(-1);
      if (last && last[1] >= i) last[1] = Math.max(last[1], i + size);
      else ranges.push([i, i + size]);
    }
  }
  if (ranges.length === 0) return text;
  ranges.sort((a, b) => a[0] - b[0]);
  let out = '';
  let at = 0;
  let open: [number, number] | undefined;
  for (const range of ranges) {
    if (open && range[0] <= open[1]) {
      open[1] = Math.max(open[1], range[1]);
      continue;
    }
    if (open) {
      out += text.slice(at, open[0]) + REDACTED;
      at = open[1];
    }
    open = [...range];
  }
  if (open) out += text.slice(at, open[0]) + REDACTED + text.slice(open[1]);
  return out;
}

/** Cuts CES text to MAX_CES_MESSAGE_CHARS, saying how much was left out. */
export function capMessage(text: string, max = MAX_CES_MESSAGE_CHARS): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max);
  const lastCode = cut.charCodeAt(cut.length - 1);
  if (lastCode >= 0xd800 && lastCode <= 0xdbff) cut = cut.slice(0, -1); // never half a surrogate pair
  return `${cut}… [${text.length - cut.length} more characters not shown]`;
}

/** What CES text may be echoed: secrets redacted first (so a cut cannot leave a fragment), then capped. */
export const cesText = (text: string, secrets: readonly string[]): string => capMessage(redactSecrets(text, secrets));
