import { HOUR_MS, MINUTE_MS, SECOND_MS } from "../common/time.js";
// Human forms of durations and instants for rendered text.

/** The largest instant a JavaScript Date holds. */
const MAX_DATE_MS = 8_640_000_000_000_000;

/** `40 s`, `12 min`, `1 h 05 min`; negative or non-finite spans read as `0 s`. */
export function toDuration(ms: number): string {
  const span = Number.isFinite(ms) ? Math.max(0, ms) : 0;
  if (span < MINUTE_MS) return `${Math.floor(span / SECOND_MS)} s`;
  if (span < HOUR_MS) return `${Math.floor(span / MINUTE_MS)} min`;
  const hours = Math.floor(span / HOUR_MS);
  const minutes = Math.floor((span % HOUR_MS) / MINUTE_MS);
  return `${hours} h ${String(minutes).padStart(2, "0")} min`;
}

/** ISO 8601 in UTC; an instant no Date can hold is shown as its number. */
export function toIsoTime(ms: number): string {
  return Number.isFinite(ms) && Math.abs(ms) <= MAX_DATE_MS ? new Date(ms).toISOString() : String(ms);
}
