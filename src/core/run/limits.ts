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
/** A relayed answer is kept whole up to this, so that afk can send it again after a crash. */
export const RELAY_TEXT_MAX_CHARS = 4_000;
/** Authors of new comments named in a resume turn (one entry per author). */
export const COMMENTERS_MAX = 20;
/** One problem per observer at most. */
export const PROBLEMS_MAX = 5;

/*
 * Bounds for fields limits.ts does not name. They exist so that the largest record the
 * schema accepts still fits a comment; each is far above what GitHub, T3 or Slack emit.
 */
/** owner (39) + "/" + name (100). */
export const REPO_MAX_CHARS = 140;
/** Thread ids (UUIDs), shas (40 or 64 hex), Slack channel ids and message timestamps. */
export const ID_MAX_CHARS = 64;
/** Names of required or ignored checks pinned from `.github/afk.yml`, per list. */
export const PINNED_CHECKS_MAX = 20;
/** Blockers named by one queued reason. */
export const BLOCKERS_MAX = 50;
/** Kubernetes names are DNS-1123 labels (63); conclusions are short words. */
export const SHORT_TEXT_MAX_CHARS = 63;

/** Cut text to `max` characters, marking the cut with an ellipsis. */
export function toBounded(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
