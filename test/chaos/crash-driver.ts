// Tells a story (crash-stories.ts) to its end, minute by minute, with afk killed right
// after its k-th outbound write or never, and restarted whenever it is found dead; then
// reads the end state as people and systems see it, without the times (a story with a
// crash in it ends later). Each minute: deliveries, the others act, deliveries, a sweep.
// Once the issue is closed, a few more minutes pass, so that what a restart only finishes
// at its next look (a turn T3 never got, a label left on) has its chance.

import { ChaosWorld, CHANNEL, MINUTE_MS } from "./chaos-world.js";
import { toCommentsSeen, toRecordSeen, type CommentsSeen } from "./outcome.js";
import {
  Actors,
  ISSUE,
  labelReady,
  recordOnGitHub,
  REPO,
  setUpRepo,
  toAttemptOf,
  type Story,
} from "./crash-stories.js";

const MAX_TICKS = 60;
const QUIET_TICKS = 6;

export interface Outcome extends CommentsSeen {
  readonly issue: { readonly state: string; readonly stateReason: string | null; readonly labels: readonly string[] };
  readonly record: Readonly<Record<string, unknown>> | null;
  /** Per T3 thread (by attempt): accepted turns and interrupts. */
  readonly threads: Readonly<Record<string, { readonly turns: number; readonly interrupts: number }>>;
  readonly projects: number;
  /** afk's messages in the doorbell channel: roots (doorbells) and replies in threads. */
  readonly slack: { readonly doorbells: number; readonly replies: number };
}

export interface Told {
  readonly outcome: Outcome;
  /** Outbound writes made across every afk process. */
  readonly writes: number;
  readonly starts: number;
  readonly ticks: number;
}

export async function tell(
  story: Story,
  crashAt: number | null,
  keepLogs = false,
  seen: (world: ChaosWorld) => void = () => undefined,
): Promise<Told> {
  const world = new ChaosWorld({ repos: [REPO], slack: story.slack, keepLogs });
  seen(world);
  setUpRepo(world);
  world.writes.crashAt = crashAt;
  await world.start();
  const actors = new Actors(world, story);
  labelReady(world);
  let quiet = 0;
  let tick = 0;
  for (; tick < MAX_TICKS && quiet < QUIET_TICKS; tick += 1) {
    await world.deliver();
    await world.restartIfDead();
    await actors.act(tick);
    await world.deliver();
    await world.restartIfDead();
    await world.sweep();
    await world.restartIfDead();
    if (world.github.snapshot().repos[0]?.issues[0]?.state === "closed") quiet += 1;
    world.clock.advance(MINUTE_MS);
  }
  if (quiet < QUIET_TICKS) throw new Error(`"${story.name}" (crash at ${crashAt}) never ended`);
  return { outcome: readOutcome(world), writes: world.writes.count, starts: world.starts, ticks: tick };
}

export function readOutcome(world: ChaosWorld): Outcome {
  const issue = world.github.snapshot().repos.find((repo) => repo.repo === REPO)?.issues[ISSUE - 1];
  if (issue === undefined) throw new Error("no issue");
  const ours = issue.comments.filter((comment) => comment.appId === world.github.identity.appId);
  const record = recordOnGitHub(world, REPO, ISSUE);
  const threads: Record<string, { turns: number; interrupts: number }> = {};
  for (const command of world.agent.commands) {
    if (!("threadId" in command) || command.type === "thread.create") continue;
    const key = `attempt ${toAttemptOf(command.threadId, REPO, ISSUE) ?? "?"}`;
    const counts = (threads[key] ??= { turns: 0, interrupts: 0 });
    if (command.type === "thread.turn.start") counts.turns += 1;
    else counts.interrupts += 1;
  }
  for (const thread of world.agent.snapshot().threads)
    threads[`attempt ${toAttemptOf(thread.id, REPO, ISSUE)}`] ??= { turns: 0, interrupts: 0 };
  const bot = world.doorbell.messages(CHANNEL).filter((message) => message.botId !== null);
  return {
    issue: { state: issue.state, stateReason: issue.stateReason, labels: issue.labels },
    ...toCommentsSeen(ours.map((comment) => comment.body)),
    record:
      record === null
        ? null
        : {
            ...toRecordSeen(record),
            sha: record.sha,
            resumptions: record.resumptions.map((resumption) => `${resumption.by} via ${resumption.via}`),
            doorbell: record.doorbell !== null,
          },
    threads,
    projects: world.agent.snapshot().projects.length,
    slack: {
      doorbells: bot.filter((message) => message.threadTs === null).length,
      replies: bot.filter((message) => message.threadTs !== null).length,
    },
  };
}
