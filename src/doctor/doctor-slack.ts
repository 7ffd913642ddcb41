// The Slack checks' reads (contracts/slack.md): `auth.test` through the doorbell client,
// then `conversations.history` in SLACK_CHANNEL and `users.info` for each allowed user.
// Nothing is posted. The words are checks/check-slack.ts's.

import { createSlackClient } from "../adapters/slack/slack-client.js";
import { createSlackWorkspace } from "../adapters/slack/slack-workspace.js";
import type { SlackConfig } from "../core/config/config-types.js";
import {
  isMissingScope,
  SLACK_NO_ALLOWED_USERS,
  SLACK_NOT_CONFIGURED,
  SLACK_TOKEN_REFUSED,
  toSlackAuthLine,
  toSlackChannelLine,
  toSlackUserLine,
  toUsersNotCheckedLine,
} from "./checks/check-slack.js";
import type { DoctorLine } from "./checks/doctor-line.js";
import type { DoctorLimits } from "./doctor-limits.js";

export async function doctorSlack(config: SlackConfig | null, limits: DoctorLimits): Promise<DoctorLine[]> {
  if (config === null) return [SLACK_NOT_CONFIGURED];
  const options = {
    token: config.botToken,
    apiUrl: config.apiUrl,
    timeoutMs: limits.deadlineMs,
    retries: limits.retries,
  };
  const identity = await createSlackClient(options).readIdentity();
  const lines = [toSlackAuthLine(identity)];
  if (!identity.ok) return [...lines, SLACK_TOKEN_REFUSED];
  const slack = createSlackWorkspace(options);
  lines.push(toSlackChannelLine(config.channel, await slack.readChannel(config.channel)));
  if (config.allowedUsers.length === 0) return [...lines, SLACK_NO_ALLOWED_USERS];
  for (const id of config.allowedUsers) {
    const user = await slack.readUser(id);
    // The scope is the token's, not the user's: one line says so for all of them.
    if (!user.ok && isMissingScope(user.error)) return [...lines, toUsersNotCheckedLine(user.error)];
    lines.push(toSlackUserLine(id, user));
  }
  return lines;
}
