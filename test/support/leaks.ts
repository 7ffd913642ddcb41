// Finds secret values in log lines: each secret as written, as a JSON string carries it
// (a private key's newlines escaped), and base64-encoded (standard and URL-safe). Used
// by the log leak test; its own test shows it finds each form.

export interface Leak {
  /** Which secret (its index in the list given), and in which form. */
  readonly secret: number;
  readonly form: "raw" | "json" | "base64" | "base64url";
  /** The line, shortened around the leak. */
  readonly excerpt: string;
}

/** Each distinct form once (a plain token is the same raw and in JSON), named by its first kind. */
function formsOf(secret: string): [Leak["form"], string][] {
  const bytes = Buffer.from(secret, "utf8");
  const forms: [Leak["form"], string][] = [
    ["raw", secret],
    ["json", JSON.stringify(secret).slice(1, -1)],
    ["base64", bytes.toString("base64")],
    ["base64url", bytes.toString("base64url")],
  ];
  return forms.filter(([, text], index) => forms.findIndex(([, other]) => other === text) === index);
}

export function findLeaks(lines: readonly string[], secrets: readonly string[]): Leak[] {
  const leaks: Leak[] = [];
  secrets.forEach((secret, index) => {
    for (const [form, text] of formsOf(secret))
      for (const line of lines) {
        const at = line.indexOf(text);
        if (at >= 0) leaks.push({ secret: index, form, excerpt: line.slice(Math.max(0, at - 80), at + 40) });
      }
  });
  return leaks;
}
