// What people and systems see once a story is over, in the shape both chaos drivers compare:
// the in-process crash points (crash-driver.ts, over the twins) and the real-process kills
// (process-world.ts, over the HTTP fakes). Times and ids that a crash legitimately moves
// are left out; each driver adds what only it can see.

import type { RunRecord } from "../../src/core/run/run-types.js";

const PROGRESS = "<!-- afk:run ";
const NOTICE = /<!-- afk:notice (\w+) [^ ]+\/(\d+) \d+ -->/;

export interface CommentsSeen {
  /** afk's comments carrying a run record: exactly one is expected. */
  readonly progressComments: number;
  /** afk's other comments, as `kind/attempt` from their markers (`?` for one without). */
  readonly notices: readonly string[];
}

/** afk's own comments on the issue, told apart by their markers. */
export function toCommentsSeen(afkCommentBodies: readonly string[]): CommentsSeen {
  return {
    progressComments: afkCommentBodies.filter((body) => body.includes(PROGRESS)).length,
    notices: afkCommentBodies
      .filter((body) => !body.includes(PROGRESS))
      .map((body) => {
        const match = NOTICE.exec(body);
        return match === null ? "?" : `${match[1]}/${match[2]}`;
      }),
  };
}

/** The record's fields a crash must not change (times, shas and ids left out). */
export function toRecordSeen(record: RunRecord): Record<string, unknown> {
  return {
    phase: record.phase,
    attempt: record.attempt,
    threadId: record.threadId,
    turns: record.turns,
    turnKind: record.turn?.kind ?? null,
    fixForwardsTotal: record.fixForwardsTotal,
    stages: Object.fromEntries(Object.entries(record.stages).map(([stage, state]) => [stage, state?.verdict])),
    doorbellFailure: record.doorbellFailure,
    problems: record.problems.map((problem) => problem.what),
    closedByCommit: record.closedByCommit,
  };
}
