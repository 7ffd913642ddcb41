// The README's configuration table, rendered from the parser's own list of variables,
// so the documentation cannot drift from what afk reads (test/readme.test.ts).

import type { ConfigVariable } from "./config-variables.js";

function toCell(text: string): string {
  // `<base>` would be swallowed as an HTML tag by GitHub's markdown.
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export function renderConfigTable(variables: readonly ConfigVariable[]): string {
  const rows = variables.map((variable) => {
    const fallback = variable.default === "" ? "—" : `\`${toCell(variable.default)}\``;
    const meaning =
      variable.secret === true ? `${toCell(variable.meaning)} (secret: never logged)` : toCell(variable.meaning);
    return `| \`${variable.name}\` | ${fallback} | ${meaning} |`;
  });
  return ["| variable | default | meaning |", "|---|---|---|", ...rows].join("\n");
}
