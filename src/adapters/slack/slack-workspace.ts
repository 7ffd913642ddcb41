// The Slack reads of `afk doctor` over the Web API, through `@slack/web-api`'s WebClient
// (re-exported by Bolt), beside the doorbell client. The token travels in the
// Authorization header that WebClient sets; it is never logged or put in an error.

import { LogLevel, webApi } from "@slack/bolt";
import { failure, type Result } from "../../ports/result.js";
import type { SlackUser, SlackWorkspace } from "../../ports/slack-workspace.js";
import { DEFAULT_SLACK_TIMEOUT_MS, type SlackClientOptions } from "./slack-client.js";
import { toSlackFailure } from "./slack-errors.js";

type Answer = Readonly<Record<string, unknown>>;

export function createSlackWorkspace(options: SlackClientOptions): SlackWorkspace {
  const web = new webApi.WebClient(options.token, {
    ...(options.apiUrl === null ? {} : { slackApiUrl: options.apiUrl }),
    timeout: options.timeoutMs ?? DEFAULT_SLACK_TIMEOUT_MS,
    retryConfig: { retries: options.retries ?? 2, factor: 2, minTimeout: 500, maxTimeout: 4_000 },
    rejectRateLimitedCalls: true,
    ...(options.logger === undefined ? { logLevel: LogLevel.ERROR } : { logger: options.logger }),
  });
  const call = async (method: string, args: Record<string, unknown>): Promise<Result<Answer>> => {
    try {
      const result: object = await web.apiCall(method, args);
      return { ok: true, value: Object.fromEntries(Object.entries(result)) };
    } catch (error) {
      return withNeededScope(toSlackFailure(method, error), error);
    }
  };
  return {
    readChannel: async (channel) => {
      const answer = await call("conversations.history", { channel, limit: 1 });
      return answer.ok ? { ok: true, value: undefined } : answer;
    },
    readUser: async (user) => {
      const answer = await call("users.info", { user });
      if (!answer.ok) return answer;
      const read = toUser(answer.value.user);
      return read === null ? failure("slack", "invalid-response", "users.info answered ok without a user") : read;
    },
  };
}

/** Slack's `missing_scope` answer carries `needed`: the scope to add, which the operator must be told. */
function withNeededScope<T>(result: Result<T>, thrown: unknown): Result<T> {
  if (result.ok || result.error.detail !== "missing_scope") return result;
  const data = typeof thrown === "object" && thrown !== null && "data" in thrown ? thrown.data : null;
  const needed = typeof data === "object" && data !== null && "needed" in data ? data.needed : null;
  if (typeof needed !== "string" || needed === "") return result;
  return { ok: false, error: { ...result.error, message: `${result.error.message} (needed: ${needed})` } };
}

function toUser(user: unknown): Result<SlackUser> | null {
  if (typeof user !== "object" || user === null) return null;
  const { id, name, deleted } = user as Record<string, unknown>;
  if (typeof id !== "string") return null;
  return { ok: true, value: { id, name: typeof name === "string" ? name : id, deleted: deleted === true } };
}
