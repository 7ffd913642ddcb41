// Bounds on what a run record holds, so that the progress comment (checklist plus the
// hidden record) stays far below GitHub's 65,536-character limit for a comment body.
// The machine trims to these; the codec's schema rejects anything beyond them.

export const HISTORY_MAX = 20;
export const RESUMPTIONS_MAX = 10;
export const FAILURES_MAX = 5;
export const AGENT_SAID_MAX_CHARS = 2_000;
export const FAILURE_SUMMARY_MAX_CHARS = 500;
export const FAILURE_LOG_MAX_CHARS = 1_500;
export const FAILURE_NAME_MAX_CHARS = 200;
export const DETAIL_MAX_CHARS = 300;
export const REASON_MAX_CHARS = 500;
export const NOTE_MAX_CHARS = 200;
export const URL_MAX_CHARS = 2_000;
export const LOGIN_MAX_CHARS = 100;

/** Cut text to `max` characters, marking the cut with an ellipsis. */
export function toBounded(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
