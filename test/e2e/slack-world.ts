// The world of the Slack end-to-end suites: one enrolled repo, the strict fake Slack Web
// API with one allowed user, and a run the agent escalated with a question, its doorbell
// rung. Shared by slack-answers.test.ts and slack-gates.test.ts.

import { FAKE_SLACK_CHANNEL, type FakeSlackMessage } from "../fakes/slack-api.js";
import { FakeClock, recordOf, SLACK_ALLOWED_USER, type Harness, type HarnessOptions } from "./harness.js";
import { agentEnds, dispatched, MINUTE_MS, type World } from "./ship-world.js";

export type StartHarness = (options?: HarnessOptions) => Promise<Harness>;

/** afk with the doorbell configured and SLACK_ALLOWED_USER allowed, on a fake clock; no deploy stages. */
export async function slackWorld(started: StartHarness, extra: HarnessOptions = {}): Promise<World> {
  const clock = extra.clock ?? new FakeClock();
  const h = await started({ clock, kube: false, slack: { allowedUsers: [SLACK_ALLOWED_USER] }, ...extra });
  return { h, clock, woodpeckerRepoId: null };
}

/** Dispatched, then the agent asks a question: escalated, and the doorbell rung. */
export async function escalated(world: World, issue = 4): Promise<{ thread: string; doorbell: FakeSlackMessage }> {
  const thread = await dispatched(world, issue);
  world.clock.advance(5 * MINUTE_MS);
  agentEnds(world, thread, "Two databases are configured.\n\nAFK-STATUS: blocked: which db?");
  await world.h.sweepOnce();
  const ts = recordOf(world.h, issue).doorbell?.ts;
  const doorbell = ts === undefined ? undefined : world.h.slack?.message(FAKE_SLACK_CHANNEL, ts);
  if (doorbell === undefined) throw new Error(`#${issue} rang no doorbell`);
  return { thread, doorbell };
}

export function turnStarts(h: Harness): Record<string, unknown>[] {
  return h.t3.commands.filter((command) => command.type === "thread.turn.start");
}

/** afk's own replies in the doorbell's thread. */
export function afkThreadReplies(h: Harness, doorbellTs: string): string[] {
  return (h.slack?.messages(FAKE_SLACK_CHANNEL) ?? [])
    .filter((m) => m.threadTs === doorbellTs && m.botId !== null)
    .map((m) => m.text);
}
