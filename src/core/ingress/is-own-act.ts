// GitHub sends afk its own writes back as webhooks (contracts/github.md, "Echoes of an
// app's own writes"): the ready label an escalation removes comes back as
// `issues.unlabeled`, a ship's close as `issues.closed`, a retry's label as
// `issues.labeled`, the progress comment as `issue_comment.created/edited`. Read as a
// person's act, an echo cancels or restarts the very run that caused it. The only mark
// of an echo is its sender: the app's bot user, `type: "Bot"`, `login: "<app slug>[bot]"`.
//
// The login is enough to know the bot: `[` and `]` cannot appear in a user's login, and a
// slug names one app on the GitHub instance. Until afk knows its own slug, any `[bot]`
// sender could be afk itself: the verdict is then `unknown`, and the caller must learn
// the identity before it acts on the event.

import type { Actor } from "../common/github-types.js";

/** afk's own bot user on GitHub, learnt from the app's slug. */
export interface BotIdentity {
  readonly login: string;
}

export type OwnActVerdict =
  /** afk's own write, echoed: nothing to do. */
  | { readonly kind: "own" }
  /** Someone else's act: handle it. */
  | { readonly kind: "other" }
  /** A bot that could be afk, and afk does not know its identity yet. */
  | { readonly kind: "unknown" };

/** The events whose sender may be afk itself: the ones its own writes fire. */
const ECHOING_EVENTS: ReadonlySet<string> = new Set(["issues", "issue_comment"]);

/** The login of an app's bot user, `<slug>[bot]`. */
export function toBotIdentity(appSlug: string): BotIdentity {
  return { login: `${appSlug}[bot]` };
}

/** Whether an event (by its `X-GitHub-Event` name) is an echo of afk's own act. */
export function decideOwnAct(event: string, sender: Actor | null, identity: BotIdentity | null): OwnActVerdict {
  if (!ECHOING_EVENTS.has(event) || sender === null) return { kind: "other" };
  const couldBeAnApp = sender.type === "Bot" && sender.login.toLowerCase().endsWith("[bot]");
  if (!couldBeAnApp) return { kind: "other" };
  if (identity === null) return { kind: "unknown" };
  return sender.login.toLowerCase() === identity.login.toLowerCase() ? { kind: "own" } : { kind: "other" };
}
