// Docker's .dockerignore rules (moby/patternmatcher): one pattern a line, `#` comments,
// `!` re-includes, the last matching pattern decides, a pattern that matches a folder
// excludes everything in it, `*` and `?` stay within one path segment and `**` spans any
// number of them. A pattern without `**/` matches from the top of the context only.

export type IgnoreRules = readonly { readonly negated: boolean; readonly regex: RegExp }[];

export function parseDockerignore(text: string): IgnoreRules {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const negated = line.startsWith("!");
      const pattern = (negated ? line.slice(1) : line).trim().replace(/^\/+/, "").replace(/\/+$/, "");
      return { negated, regex: toRegex(pattern) };
    });
}

function toRegex(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] ?? "";
    if (pattern.startsWith("**/", i)) {
      source += "(?:.*/)?";
      i += 2;
    } else if (pattern.startsWith("**", i)) {
      source += ".*";
      i += 1;
    } else if (char === "*") source += "[^/]*";
    else if (char === "?") source += "[^/]";
    else source += char.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

/** Whether a path (relative to the context, `/`-separated) stays out of the build context. */
export function isIgnored(rules: IgnoreRules, path: string): boolean {
  const segments = path.split("/");
  const prefixes = segments.map((_, index) => segments.slice(0, index + 1).join("/"));
  let ignored = false;
  for (const rule of rules) {
    if (prefixes.some((prefix) => rule.regex.test(prefix))) ignored = !rule.negated;
  }
  return ignored;
}
