// HTML for afk's own pages (the status page and its login form): escaping for text and
// attributes, links that are only ever http(s), and one self-contained document — inline
// CSS, no script, no external asset — that reads well on a phone.

import { isHttpUrl } from "./status-row.js";

const ENTITIES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Text safe in element content and in quoted attribute values; control characters become spaces. */
export function escapeHtml(text: string): string {
  return text.replace(/\p{Cc}/gu, " ").replace(/[&<>"']/g, (ch) => ENTITIES[ch] ?? ch);
}

/** A link when the URL is plain http(s), else the label as text. `label` is escaped here. */
export function toAnchor(label: string, url: string, className: string | null = null): string {
  const text = escapeHtml(label);
  if (!isHttpUrl(url)) return text;
  const cls = className === null ? "" : ` class="${className}"`;
  return `<a${cls} href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${text}</a>`;
}

export const PAGE_CSS = `
:root{color-scheme:light dark;--fg:#1f2328;--muted:#59636e;--bg:#fff;--card:#f6f8fa;--line:#d1d9e0;
--link:#0969da;--ok:#1a7f37;--warn:#9a6700;--bad:#cf222e;--run:#0969da}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--bg:#0d1117;--card:#151b23;
--line:#3d444d;--link:#4493f8;--ok:#3fb950;--warn:#d29922;--bad:#f85149;--run:#4493f8}}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;
color:var(--fg);background:var(--bg);-webkit-text-size-adjust:100%}
header,main,footer{max-width:1240px;margin:0 auto;padding:0 16px}
header{padding-top:16px}
h1{font-size:1.4rem;margin:0 0 4px}
h2{font-size:1.1rem;margin:0 0 8px;display:flex;gap:8px;align-items:baseline}
a{color:var(--link);text-decoration:none}
a:hover,a:focus{text-decoration:underline}
.meta,.muted,.empty{color:var(--muted)}
.meta{margin:0 0 8px}
.banner{border:1px solid var(--warn);border-left-width:4px;border-radius:6px;padding:8px 12px;margin:8px 0}
section{margin:24px 0}
.count{font-size:.8rem;font-weight:600;border:1px solid var(--line);border-radius:10px;padding:0 8px;
color:var(--muted);background:var(--card)}
table{width:100%;border-collapse:collapse;table-layout:fixed}
th,td{text-align:left;vertical-align:top;padding:8px 10px;border-bottom:1px solid var(--line)}
th{font-size:.75rem;color:var(--muted);font-weight:600;text-transform:uppercase;letter-spacing:.04em}
th.issue{width:24%}
th.phase-col{width:22%}
th.age{width:7%}
th.approval{width:11%}
th.budget{width:20%}
th.links{width:16%}
td.age{white-space:nowrap}
td.approval{overflow-wrap:anywhere}
.ref{font-weight:600;white-space:nowrap}
.title,.note{display:block;overflow-wrap:anywhere}
.note{color:var(--muted);font-size:.9rem}
.phase{font-weight:600}
.in-flight .phase{color:var(--run)}
.waiting-for-human .phase,.phase.red{color:var(--bad)}
.queued .phase{color:var(--warn)}
.finished .phase{color:var(--muted)}
.finished .phase.shipped{color:var(--ok)}
.budget span{display:block}
.near{color:var(--warn)}
.spent{color:var(--bad);font-weight:600}
.links a{display:inline-block;margin:0 12px 2px 0;white-space:nowrap}
.empty{margin:0;padding:8px 0}
footer{padding-bottom:24px;font-size:.85rem}
.login{padding-top:16px}
form{display:flex;flex-direction:column;gap:10px;max-width:360px}
input,button{font:inherit;padding:10px 12px;border-radius:6px;border:1px solid var(--line)}
input{background:var(--bg);color:var(--fg)}
button{background:var(--link);color:#fff;border-color:var(--link);cursor:pointer}
.error{color:var(--bad);font-weight:600}
@media (max-width:760px){
table,tbody,tr{display:block;width:100%}
thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
tr{border:1px solid var(--line);border-radius:8px;margin:0 0 12px;padding:6px 12px;background:var(--card)}
td{width:auto;border:0;padding:5px 0;display:grid;grid-template-columns:7.5em minmax(0,1fr);gap:8px}
td::before{content:attr(data-label);color:var(--muted);font-size:.75rem;font-weight:600;text-transform:uppercase;
letter-spacing:.04em;padding-top:2px}
td.issue{display:block;padding-top:8px;border-bottom:1px solid var(--line);margin-bottom:2px}
td.issue::before{content:none}
}
`.trim();

export interface DocumentOptions {
  readonly title: string;
  /** Seconds between reloads; null for a page that stays put (the login form). */
  readonly refreshSeconds: number | null;
  /** Already-escaped HTML. */
  readonly body: string;
}

export function renderDocument(options: DocumentOptions): string {
  const refresh =
    options.refreshSeconds === null ? "" : `<meta http-equiv="refresh" content="${options.refreshSeconds}">\n`;
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `${refresh}<meta name="referrer" content="no-referrer">`,
    '<meta name="robots" content="noindex">',
    `<title>${escapeHtml(options.title)}</title>`,
    `<style>${PAGE_CSS}</style>`,
    "</head>",
    "<body>",
    options.body,
    "</body>",
    "</html>",
    "",
  ].join("\n");
}
