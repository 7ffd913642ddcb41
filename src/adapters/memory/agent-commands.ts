// The commands the agent twin receives, and the decoding T3 applies before any
// invariant (contracts/t3.md: a body that does not decode is a 400). The same rules as
// the strict HTTP fake's schemas: non-empty ids without surrounding whitespace, an
// absolute workspace root, a slug for the model instance, a known runtime mode.

import { assertNever } from "../../core/common/assert-never.js";
import type { InterruptInput, ProjectInput, ThreadInput, TurnInput } from "../../ports/agent-runner.js";

export type AgentCommand =
  | ({ readonly type: "project.create" } & ProjectInput)
  | ({ readonly type: "thread.create" } & ThreadInput)
  | ({ readonly type: "thread.turn.start" } & TurnInput)
  | ({ readonly type: "thread.turn.interrupt" } & InterruptInput);

const RUNTIME_MODES: readonly string[] = ["approval-required", "auto-accept-edits", "auto", "full-access"];
const SLUG = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

function trimmedNonEmpty(value: string, key: string): string | null {
  return value.length > 0 && value === value.trim() ? null : `${key} must be a non-empty trimmed string`;
}

/** Why T3 would not decode the command, or null when it would. */
export function validateCommand(command: AgentCommand): string | null {
  const problems: (string | null)[] = [trimmedNonEmpty(command.commandId, "commandId")];
  switch (command.type) {
    case "project.create":
      problems.push(
        trimmedNonEmpty(command.projectId, "projectId"),
        trimmedNonEmpty(command.title, "title"),
        trimmedNonEmpty(command.workspaceRoot, "workspaceRoot"),
        // T3 answers a relative root with EnvironmentRequestInvalidError (400) too.
        command.workspaceRoot.startsWith("/") ? null : "workspaceRoot must be absolute",
      );
      break;
    case "thread.create":
      problems.push(
        trimmedNonEmpty(command.threadId, "threadId"),
        trimmedNonEmpty(command.projectId, "projectId"),
        trimmedNonEmpty(command.title, "title"),
        SLUG.test(command.model.instanceId) ? null : "modelSelection.instanceId must be a slug",
        trimmedNonEmpty(command.model.model, "modelSelection.model"),
        RUNTIME_MODES.includes(command.runtimeMode) ? null : "unknown runtimeMode",
      );
      break;
    case "thread.turn.start":
      problems.push(
        trimmedNonEmpty(command.threadId, "threadId"),
        trimmedNonEmpty(command.messageId, "message.messageId"),
        RUNTIME_MODES.includes(command.runtimeMode) ? null : "unknown runtimeMode",
      );
      break;
    case "thread.turn.interrupt":
      problems.push(trimmedNonEmpty(command.threadId, "threadId"));
      break;
    default:
      assertNever(command);
  }
  return problems.find((problem) => problem !== null) ?? null;
}
