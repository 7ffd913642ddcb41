// Shared by the reliability suites (issue 8): the assertions that say "and nothing else
// happened" — exactly these T3 commands, exactly these labels, exactly these notices.

import type { FakeSlackApi } from "../fakes/slack-api.js";
import { noticesOf, REPO, type Harness } from "./harness.js";
import { threadOf } from "./ship-world.js";

export const HUMAN = "ready-for-human";
/** What #4's dispatch sends T3, each command with its thread. */
export const DISPATCH_4 = ["project.create", `thread.create ${threadOf(4)}`, `thread.turn.start ${threadOf(4)}`];
export const T3_500 = {
  status: 500,
  body: { _tag: "EnvironmentInternalError", code: "internal_error", traceId: "trace-e2e" },
} as const;

/** The T3 command types afk sent, each as `type thread-id` (project.create has none). */
export function t3Sent(h: Harness): string[] {
  return h.t3.commands.map((command) =>
    command.threadId === undefined ? String(command.type) : `${String(command.type)} ${String(command.threadId)}`,
  );
}

/** The issue as a person sees it: state, labels (sorted) and afk's notices (how many, and their first line). */
export function issueSeen(
  h: Harness,
  issue: number,
  repo: string = REPO,
): { state: string; labels: string[]; notices: string[] } {
  const found = h.github.issue(repo, issue);
  return {
    state: found.state,
    labels: [...found.labels].sort(),
    notices: noticesOf(h, issue, repo).map((body) => body.split("\n")[0] ?? ""),
  };
}

/** The Slack calls of one method, in order. */
export function slackMethodCalls(slack: FakeSlackApi | null, method: string): FakeSlackApi["calls"] {
  return (slack?.calls ?? []).filter((call) => call.method === method);
}

/** The PATCHes of afk's progress comment made since `from` (an index into the fake's request log). */
export function commentEditsSince(h: Harness, from: number): string[] {
  return h.github.requests
    .slice(from)
    .filter((request) => request.method === "PATCH" && /\/issues\/comments\/\d+$/.test(request.path))
    .map((request) => String((request.body as { body?: unknown }).body));
}
