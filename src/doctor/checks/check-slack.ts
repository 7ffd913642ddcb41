// The Slack doorbell (contracts/slack.md): the bot token works (`auth.test`), the bot is
// in SLACK_CHANNEL (`conversations.history`, which needs only the history scopes the
// doorbell already has), and each allowed user exists (`users.info`, which needs
// `users:read`: afk itself does not, so without it the users are not checked). Pure.

import type { SlackIdentity } from "../../ports/doorbell.js";
import { describeError, type PortError, type Result } from "../../ports/result.js";
import type { SlackUser } from "../../ports/slack-workspace.js";
import { fail, pass, skip, type DoctorLine } from "./doctor-line.js";
import { toGenericFix } from "./generic-fix.js";

const SLACK_SETTINGS = "SLACK_BOT_TOKEN and SLACK_API_URL";
const SCOPES_FIX = "under OAuth & Permissions → Bot Token Scopes, then reinstall the Slack app to the workspace.";

export const SLACK_NOT_CONFIGURED = skip("Slack: not configured (no doorbell: escalations stay on GitHub)");

export function toSlackAuthLine(identity: Result<SlackIdentity>): DoctorLine {
  if (identity.ok) return pass(`Slack's bot token works (bot user ${identity.value.botUserId})`);
  if (identity.error.category === "unauthorized")
    return fail(
      `Slack refuses the bot token: ${describeError(identity.error)}`,
      "set SLACK_BOT_TOKEN to the Slack app's Bot User OAuth Token (xoxb-…, under OAuth & Permissions).",
    );
  return fail(
    `Slack's auth.test fails: ${describeError(identity.error)}`,
    toGenericFix(identity.error, SLACK_SETTINGS),
  );
}

/** By Slack's error code: what each means for the doorbell's channel. */
const CHANNEL_PROBLEMS: Readonly<Record<string, (channel: string) => { text: string; fix: string }>> = {
  not_in_channel: (channel) => ({
    text: `Slack: the bot is not in SLACK_CHANNEL ${channel}`,
    fix: "invite it: /invite @<the bot's name> in that channel.",
  }),
  channel_not_found: (channel) => ({
    text: `Slack: the bot cannot see SLACK_CHANNEL ${channel}`,
    fix: "set SLACK_CHANNEL to the channel's id (e.g. C0123ABCD, at the bottom of the channel's details) and invite the bot, which a private channel needs before the bot can see it.",
  }),
  missing_scope: () => ({
    text: "Slack: the token lacks the scope channels:history (public channels) or groups:history (private ones)",
    fix: `add both ${SCOPES_FIX}`,
  }),
};

export function toSlackChannelLine(channel: string, read: Result<void>): DoctorLine {
  if (read.ok) return pass(`Slack: the bot is in SLACK_CHANNEL ${channel}`);
  const { error } = read;
  const problem = error.detail === null ? undefined : CHANNEL_PROBLEMS[error.detail]?.(channel);
  if (problem === undefined)
    return fail(
      `Slack: cannot read SLACK_CHANNEL ${channel}: ${describeError(error)}`,
      toGenericFix(error, SLACK_SETTINGS),
    );
  // Slack's own words name the scope it wanted (`needed`), when that is what failed.
  const said = error.detail === "missing_scope" ? `: ${describeError(error)}` : "";
  return fail(`${problem.text}${said}`, problem.fix);
}

export const SLACK_NO_ALLOWED_USERS = skip(
  "Slack: SLACK_ALLOWED_USERS is empty: replies in a doorbell's thread reach the agent from nobody",
);

export function isMissingScope(error: PortError): boolean {
  return error.detail === "missing_scope";
}

export function toUsersNotCheckedLine(error: PortError): DoctorLine {
  return skip(
    `Slack: the allowed users are not checked: the token lacks users:read (${describeError(error)}); afk itself does not need it, add it to let the doctor check them`,
  );
}

export function toSlackUserLine(id: string, user: Result<SlackUser>): DoctorLine {
  if (user.ok && user.value.deleted)
    return fail(
      `Slack: allowed user ${id} (${user.value.name}) is deactivated`,
      `remove ${id} from SLACK_ALLOWED_USERS, or reactivate the account.`,
    );
  if (user.ok) return pass(`Slack: allowed user ${id} exists (${user.value.name})`);
  if (user.error.detail === "user_not_found")
    return fail(
      `Slack: SLACK_ALLOWED_USERS names ${id}, whom Slack does not know`,
      "use the member ID from the person's Slack profile (⋮ → Copy member ID).",
    );
  return fail(
    `Slack: cannot look up allowed user ${id}: ${describeError(user.error)}`,
    toGenericFix(user.error, SLACK_SETTINGS),
  );
}

export const SLACK_TOKEN_REFUSED = skip(
  "Slack: SLACK_CHANNEL and the allowed users not checked (the token does not work)",
);
