// The threads of the doorbell channel afk read and found are not a doorbell's (issue 9,
// item 10). A thread's parent never changes, so one Slack read per thread is enough
// however busy it is. Bounded: the least recently seen are forgotten first, and cost one
// read again. Only a successful read is remembered: after a failure afk does not know.

import { BoundedMap } from "../core/common/bounded-map.js";

export const NON_DOORBELL_THREADS_MAX = 2_000;

function toKey(channel: string, threadTs: string): string {
  return `${channel}:${threadTs}`;
}

export class NonDoorbellThreads {
  readonly #threads: BoundedMap<string, true>;

  constructor(max: number = NON_DOORBELL_THREADS_MAX) {
    this.#threads = new BoundedMap(max);
  }

  remember(channel: string, threadTs: string): void {
    this.#threads.set(toKey(channel, threadTs), true);
  }

  /** A thread asked about again becomes the youngest: a busy thread is never forgotten. */
  has(channel: string, threadTs: string): boolean {
    return this.#threads.get(toKey(channel, threadTs), true) !== undefined;
  }

  get size(): number {
    return this.#threads.size;
  }
}
