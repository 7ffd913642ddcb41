// The agent's side of a run as the machine's events (DESIGN sections 2 and 6), from the T3
// adapter's view of the thread's current turn and the agent's last message.

import { parseStatusLine } from "./parse-status-line.js";
import type { TurnFact } from "./observe-types.js";
import { assertNever } from "../common/assert-never.js";
import { type RunEvent } from "../run/run-event.js";

export interface AgentObservation {
  readonly turn: TurnFact;
  readonly lastMessage: string | null;
  /** The text of T3's pending user-input request, when the agent asked through it. */
  readonly pendingQuestion: string | null;
  /** T3's own time of the thread as read (`toTurnSeenAt`), carried into the event. */
  readonly seenAt?: number | null;
}

const LOST: Readonly<Record<Extract<TurnFact, { kind: "missing" }>["why"], string>> = {
  absent: "T3 does not know the thread",
  deleted: "the thread was deleted in T3",
  archived: "the thread was archived in T3",
};

function toText(text: string | null): string | null {
  return text === null || text.trim() === "" ? null : text;
}

/** The best words for a human: T3's own question, the agent's `blocked:` line, its last message. */
function toQuestion(input: AgentObservation, on: "approval" | "user-input"): string | null {
  const lastMessage = toText(input.lastMessage);
  const status = parseStatusLine(lastMessage);
  const blocked = status?.kind === "blocked" ? status.question : null;
  const said = toText(input.pendingQuestion) ?? blocked ?? lastMessage;
  // Approvals come with no text of their own; say what the agent waits for.
  return said ?? (on === "approval" ? "The agent is waiting for a human to approve an action in T3." : null);
}

/** Null while the agent works: nothing to decide until the turn ends or it asks. */
export function toAgentEvent(input: AgentObservation): RunEvent | null {
  const { turn } = input;
  const seen = input.seenAt === null || input.seenAt === undefined ? {} : { seenAt: input.seenAt };
  switch (turn.kind) {
    case "working":
      return null;
    case "ended": {
      const lastMessage = toText(input.lastMessage);
      return {
        kind: "TurnEnded",
        outcome: turn.outcome,
        status: parseStatusLine(lastMessage),
        lastMessage,
        error: toText(turn.error),
        ...seen,
      };
    }
    case "waiting-on-user":
      return { kind: "QuestionAsked", question: toQuestion(input, turn.on), ...seen };
    case "missing":
      return { kind: "ThreadLost", why: LOST[turn.why] };
    default:
      return assertNever(turn);
  }
}
