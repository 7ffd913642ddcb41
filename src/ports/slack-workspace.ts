// What `afk doctor` reads from Slack beside the doorbell (contracts/slack.md): whether
// the bot can read the doorbell's channel, and who the allowed users are. Reads only.

import type { Result } from "./result.js";

export interface SlackUser {
  readonly id: string;
  readonly name: string;
  /** A deactivated account: its replies can never arrive. */
  readonly deleted: boolean;
}

export interface SlackWorkspace {
  /**
   * `conversations.history` with `limit: 1` (scope `channels:history` / `groups:history`,
   * which the doorbell already needs). It answers only in a channel the bot is in:
   * `not_in_channel` for a public one it is not in, `channel_not_found` for a private one.
   * A `missing_scope` failure names the scope Slack wanted in its message.
   */
  readChannel(channel: string): Promise<Result<void>>;
  /** `users.info` (scope `users:read`); `user_not_found` for an unknown id. */
  readUser(user: string): Promise<Result<SlackUser>>;
}
