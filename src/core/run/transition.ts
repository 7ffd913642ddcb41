// The run machine (DESIGN section 2): one pure, total function from a record and an
// event to the next record and the effects the shell applies, in order. Terminal
// phases absorb everything; people outrank observations; in an active run the time
// budgets are checked before any observation is applied.

import {
  transitionAgentReported,
  transitionCommitPushed,
  transitionQuestionAsked,
  transitionThreadLost,
  transitionTurnEnded,
} from "./run-agent.js";
import { toSpentBudget } from "./run-budgets.js";
import { escalate } from "./run-escalate.js";
import {
  transitionCancelled,
  transitionDoorbellRung,
  transitionResumed,
  transitionRetried,
  transitionTakenOver,
} from "./run-humans.js";
import {
  transitionClosedByCommit,
  transitionDispatchRejected,
  transitionDoorbellFailed,
  transitionObservationFailed,
  transitionObservationRecovered,
} from "./run-incidents.js";
import { isActive, isTerminal, unchanged } from "./run-record.js";
import { transitionCi, transitionDeploy, transitionRollout } from "./run-stages.js";
import { transitionDispatched, transitionHeld } from "./run-start.js";
import { assertNever } from "../common/assert-never.js";
import { type MachineContext, type Transition } from "./effect.js";
import { type RunEvent } from "./run-event.js";
import { type RunRecord } from "./run-types.js";

export function transition(record: RunRecord, event: RunEvent, now: number, ctx: MachineContext): Transition {
  if (isTerminal(record.phase)) return unchanged(record);
  const { config } = ctx;
  // Observations come after the budgets: a spent budget wins over the news, unapplied.
  const observe = (apply: () => Transition): Transition => {
    const spent = toSpentBudget(record, now);
    return spent === null
      ? apply()
      : escalate(record, { cause: "time-budget", reason: spent, agentSaid: null }, now, config);
  };
  // The agent and the stages only move a run that is under way.
  const observeActive = (apply: () => Transition): Transition =>
    observe(() => (isActive(record.phase) ? apply() : unchanged(record)));
  switch (event.kind) {
    case "Cancelled":
      return transitionCancelled(record, event, now, config);
    case "TakenOver":
      return transitionTakenOver(record, event.by, now, config, event.readyAgain === true);
    case "RetryRequested":
      return transitionRetried(record, event.by, now, config);
    case "DoorbellRung":
      return transitionDoorbellRung(record, event);
    case "DoorbellFailed":
      return transitionDoorbellFailed(record, event, now);
    case "IssueClosedByCommit":
      return transitionClosedByCommit(record, event, now);
    case "ObservationFailed":
      return transitionObservationFailed(record, event, now);
    case "ObservationRecovered":
      return transitionObservationRecovered(record, event);
    case "DispatchRejected":
      return transitionDispatchRejected(record, event, now, config);
    case "HumanResumed":
      return transitionResumed(record, event, now, config);
    case "ThreadLost":
      return transitionThreadLost(record, event.why, now, config);
    case "Held":
      return observe(() => transitionHeld(record, event));
    case "DispatchApproved":
      return observe(() => transitionDispatched(record, event, now, config));
    case "Ticked":
      return observe(() => unchanged(record));
    case "AgentReported":
      return observeActive(() => transitionAgentReported(record, event, now));
    case "TurnEnded":
      return observeActive(() => transitionTurnEnded(record, event, now, config));
    case "QuestionAsked":
      return observeActive(() => transitionQuestionAsked(record, event, now, config));
    case "CommitPushed":
      return observeActive(() => transitionCommitPushed(record, event.sha, now));
    case "CiObserved":
      return observeActive(() => transitionCi(record, event, now, config));
    case "DeployObserved":
      return observeActive(() => transitionDeploy(record, event, now, config));
    case "RolloutObserved":
      return observeActive(() => transitionRollout(record, event, now, config));
    default:
      return assertNever(event);
  }
}
