// Escaping for text afk did not write (issue titles, agent messages, check names, logins,
// reasons) before it goes into GitHub markdown. Echoed text must render as the same
// characters, never as markup, HTML, a link, or a mention that pings someone.

/** Backslash-escaped: every ASCII punctuation character with a meaning in GFM. */
const MARKDOWN_SPECIALS = new Set("\\`*_{}[]()#+-.!|~=:");
/** Shown as entities: a backslash does not stop GitHub's HTML or entity handling everywhere. */
const HTML_ENTITIES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;" };
/** Zero-width joiner: `@` + ZWJ + name shows as `@name` but is no mention. */
const ZWJ = "\u200d";
const ELLIPSIS = "…";

function escapeChar(ch: string): string {
  const entity = HTML_ENTITIES[ch];
  if (entity !== undefined) return entity;
  if (MARKDOWN_SPECIALS.has(ch)) return `\\${ch}`;
  return ch === "@" ? `@${ZWJ}` : ch;
}

/**
 * One line of literal text, safe anywhere inline: line breaks and control characters
 * become spaces. With `maxChars`, the ESCAPED result is cut (whole escapes only, with an
 * ellipsis) so that hostile text cannot grow the comment fourfold.
 */
export function escapeMarkdown(text: string, maxChars = Number.POSITIVE_INFINITY): string {
  const escaped = [...text.replace(/[\p{Cc}\u2028\u2029]+/gu, " ")].map(escapeChar);
  let out = escaped.join("");
  if (out.length <= maxChars) return out;
  out = "";
  for (const piece of escaped) {
    if (out.length + piece.length > maxChars - ELLIPSIS.length) break;
    out += piece;
  }
  return `${out}${ELLIPSIS}`;
}

/** A blockquote of the trimmed text, line by line, each line escaped. */
export function toQuote(text: string): string {
  const lines = text.trim().replace(/\r\n?/g, "\n").split("\n");
  // Leading spaces would make an indented code block, where escapes show as backslashes.
  const keepIndent = (line: string) => line.replace(/^[ \t]+/, (lead) => "\u00a0".repeat(lead.length));
  return lines.map((line) => (line.trim() === "" ? ">" : `> ${keepIndent(escapeMarkdown(line))}`)).join("\n");
}

/** Inline code; the fence is longer than any backtick run inside, so the text cannot break out. */
export function toCode(text: string): string {
  const oneLine = text.replace(/[\r\n]+/g, " ");
  const longest = Math.max(0, ...[...oneLine.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  const pad = oneLine.startsWith("`") || oneLine.endsWith("`") ? " " : "";
  return `${fence}${pad}${oneLine}${pad}${fence}`;
}

/** A link when the target is a plain http(s) URL of sane length, else just the label. */
export function toLink(label: string, url: string | null, maxUrlChars = 500): string {
  if (url === null || url.length > maxUrlChars || !/^https?:\/\/[^\s<>()[\]"'`\\]+$/.test(url)) return label;
  return `[${label}](${url})`;
}
