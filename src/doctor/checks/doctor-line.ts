// One line of `afk doctor`'s report: a check that passed, one that failed with the fix in
// one sentence, or one that does not apply (or could not run because an earlier one
// failed). Pure.

import { assertNever } from "../../core/common/assert-never.js";

export type DoctorLine =
  | { readonly kind: "pass"; readonly text: string }
  | { readonly kind: "fail"; readonly text: string; readonly fix: string }
  | { readonly kind: "skip"; readonly text: string };

export const PASS_MARK = "✓";
export const FAIL_MARK = "✗";
export const SKIP_MARK = "–";

export function pass(text: string): DoctorLine {
  return { kind: "pass", text };
}

/** `fix` is one sentence, ending with a full stop. */
export function fail(text: string, fix: string): DoctorLine {
  return { kind: "fail", text, fix };
}

export function skip(text: string): DoctorLine {
  return { kind: "skip", text };
}

export function renderLine(line: DoctorLine): string {
  switch (line.kind) {
    case "pass":
      return `${PASS_MARK} ${line.text}`;
    case "fail":
      return `${FAIL_MARK} ${line.text}. Fix: ${line.fix}`;
    case "skip":
      return `${SKIP_MARK} ${line.text}`;
    default:
      return assertNever(line);
  }
}

/** 0 only when no check failed: a check that does not apply fails nothing. */
export function toExitCode(lines: readonly DoctorLine[]): 0 | 1 {
  return lines.some((line) => line.kind === "fail") ? 1 : 0;
}
