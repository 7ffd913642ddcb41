// A job log's tail, read from the HTTP body as it streams by (issue 8 item 16: a log is read
// as a tail, never whole). afk asks for a suffix byte range and GitHub's blob host honours
// it (206), but a host that ignores Range answers 200 with the whole log, which can run to
// gigabytes: whatever comes, only the last `capacity` bytes are ever held.

import { toLogText } from "./ci-mapping.js";

/** The last `capacity` bytes pushed through it, kept in a ring allocated once. */
export class ByteTail {
  readonly #ring: Uint8Array;
  /** Where the next byte goes. */
  #end = 0;
  #total = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ByteTail: capacity ${capacity}`);
    this.#ring = new Uint8Array(capacity);
  }

  push(chunk: Uint8Array): void {
    const capacity = this.#ring.length;
    const part = chunk.length > capacity ? chunk.subarray(chunk.length - capacity) : chunk;
    const first = Math.min(part.length, capacity - this.#end);
    this.#ring.set(part.subarray(0, first), this.#end);
    this.#ring.set(part.subarray(first), 0);
    this.#end = (this.#end + part.length) % capacity;
    this.#total += chunk.length;
  }

  /** The bytes of the log held now: never more than the capacity. */
  get held(): number {
    return Math.min(this.#total, this.#ring.length);
  }

  /** Whether bytes before the tail were dropped. */
  get dropped(): boolean {
    return this.#total > this.#ring.length;
  }

  bytes(): Uint8Array {
    if (!this.dropped) return this.#ring.slice(0, this.#total);
    const out = new Uint8Array(this.#ring.length);
    out.set(this.#ring.subarray(this.#end), 0);
    out.set(this.#ring.subarray(0, this.#end), this.#ring.length - this.#end);
    return out;
  }
}

function isByteStream(data: unknown): data is AsyncIterable<Uint8Array> {
  return typeof data === "object" && data !== null && Symbol.asyncIterator in data;
}

/**
 * The last `capacity` bytes of a response body: a stream (Octokit's `parseSuccessResponseBody:
 * false`) is read chunk by chunk; a body something already read (a string, bytes, or none at
 * all for a 204) is cut the same way. `onHeld` sees the bytes held after each chunk.
 */
export async function readByteTail(
  data: unknown,
  capacity: number,
  onHeld: (bytes: number) => void = () => {},
): Promise<ByteTail> {
  const tail = new ByteTail(capacity);
  if (!isByteStream(data)) {
    tail.push(new TextEncoder().encode(toLogText(data)));
    onHeld(tail.held);
    return tail;
  }
  for await (const chunk of data) {
    tail.push(chunk);
    onHeld(tail.held);
  }
  return tail;
}

/** UTF-8 continuation bytes are 0b10xxxxxx: a cut may start in the middle of a character. */
function isContinuationByte(byte: number): boolean {
  return (byte & 0xc0) === 0x80;
}

/**
 * The tail as text. When it starts mid-log (a ranged answer, or bytes were dropped), it
 * starts mid-line: that first, cut line is dropped, and so are the stray bytes of a
 * character cut in two when the log has no line break to cut at.
 */
export function toTailText(tail: ByteTail, ranged: boolean): string {
  let bytes = tail.bytes();
  const cut = ranged || tail.dropped;
  if (cut) {
    let start = 0;
    while (start < bytes.length && start < 3 && isContinuationByte(bytes[start] ?? 0)) start += 1;
    bytes = bytes.subarray(start);
  }
  const text = new TextDecoder().decode(bytes);
  return cut ? text.slice(text.indexOf("\n") + 1) : text;
}
