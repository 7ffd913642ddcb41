// The last line of defence for secrets in logs: every line afk writes is searched for the
// values of the configured secrets and each is replaced with `[redacted]`, whatever field
// or message carried it. Redaction by path (redact-paths.ts) is the first line; this one
// catches what no path names (an error message quoting a header, a URL with a token).
//
// A value is searched as it appears in a JSON line (escaped: a private key's newlines are
// `\n` there), as written, and base64-encoded (Basic auth, tokens inside JWT-like blobs).
// Cost: one `includes` per form over the line (bench/log-scrub.bench.ts: ~1.5 µs for a
// typical 300-byte line with 8 secrets configured, against ~6 µs for pino to write it).

/** Shorter values would shred ordinary words and ids out of every line. */
export const SECRET_MIN_CHARS = 8;
export const REDACTED = "[redacted]";

export interface SecretScrubber {
  /** The line with every form of every known secret value replaced. */
  scrub(line: string): string;
  /** Learns one more value (a token file re-read after rotation); earlier ones stay secret. */
  add(value: string): void;
  /** How many distinct forms are searched (for tests and the benchmark). */
  readonly size: number;
}

/** The forms a secret takes in a log line; the longest first, so none is left half-replaced. */
export function toSecretForms(value: string): string[] {
  const trimmed = value.trim();
  if (trimmed.length < SECRET_MIN_CHARS) return [];
  const forms = new Set<string>();
  for (const text of new Set([value, trimmed])) {
    forms.add(text);
    forms.add(JSON.stringify(text).slice(1, -1));
    const bytes = Buffer.from(text, "utf8");
    forms.add(bytes.toString("base64"));
    forms.add(bytes.toString("base64url"));
  }
  return [...forms].filter((form) => form.length >= SECRET_MIN_CHARS);
}

export function createSecretScrubber(values: readonly string[] = []): SecretScrubber {
  let forms: string[] = [];
  const add = (value: string): void => {
    const added = toSecretForms(value).filter((form) => !forms.includes(form));
    if (added.length > 0) forms = [...forms, ...added].sort((a, b) => b.length - a.length);
  };
  for (const value of values) add(value);
  return {
    scrub: (line) => {
      let scrubbed = line;
      for (const form of forms) if (scrubbed.includes(form)) scrubbed = scrubbed.replaceAll(form, REDACTED);
      return scrubbed;
    },
    add,
    get size() {
      return forms.length;
    },
  };
}
