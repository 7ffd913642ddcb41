// The status page's login form: one password field posted to `/status/login`. It says
// nothing about afk, and a refused token is told apart from a missing one only by the
// line "not accepted" (both answer 401).

import { renderDocument } from "./render-html.js";

export const LOGIN_PATH = "/status/login";
/** The form field that carries the token (application/x-www-form-urlencoded). */
export const LOGIN_TOKEN_FIELD = "token";

export function renderLoginPage(options: { readonly refused: boolean }): string {
  const refused = options.refused ? '<p class="error" role="alert">That token was not accepted.</p>\n' : "";
  const body = [
    '<main class="login">',
    "<h1>afk status</h1>",
    '<p class="muted">Enter the status token (AFK_STATUS_TOKEN) to see the runs.</p>',
    `${refused}<form method="post" action="${LOGIN_PATH}">`,
    `<label for="token">Status token</label>`,
    `<input id="token" name="${LOGIN_TOKEN_FIELD}" type="password" autocomplete="current-password" required autofocus>`,
    '<button type="submit">Open the status page</button>',
    "</form>",
    "</main>",
  ].join("\n");
  return renderDocument({ title: "afk status: sign in", refreshSeconds: null, body });
}
