import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ByteTail, readByteTail, toTailText } from "../../../src/adapters/github/log-tail-stream.js";

function tailOf(text: string | Uint8Array, capacity: number): ByteTail {
  const tail = new ByteTail(capacity);
  tail.push(typeof text === "string" ? new TextEncoder().encode(text) : text);
  return tail;
}

async function* chunksOf(...texts: string[]): AsyncGenerator<Uint8Array> {
  for (const text of texts) yield new TextEncoder().encode(text);
  await Promise.resolve();
}

describe("ByteTail", () => {
  it("holds the last `capacity` bytes of whatever was pushed, and never more", () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 30 }),
        fc.integer({ min: 1, max: 64 }),
        (chunks, capacity) => {
          const tail = new ByteTail(capacity);
          const all: number[] = [];
          for (const chunk of chunks) {
            tail.push(chunk);
            all.push(...chunk);
            expect(tail.held).toBeLessThanOrEqual(capacity);
          }
          expect([...tail.bytes()]).toEqual(all.slice(Math.max(0, all.length - capacity)));
          expect(tail.dropped).toBe(all.length > capacity);
        },
      ),
    );
  });

  it.each([0, -1, 1.5])("refuses a capacity of %d", (capacity) => {
    expect(() => new ByteTail(capacity)).toThrow(RangeError);
  });
});

describe("readByteTail", () => {
  it("reads a stream chunk by chunk, telling the bytes held after each", async () => {
    const held: number[] = [];
    const tail = await readByteTail(chunksOf("abcd", "efgh", "ij"), 6, (bytes) => held.push(bytes));
    expect(new TextDecoder().decode(tail.bytes())).toBe("efghij");
    expect(held).toEqual([4, 6, 6]);
  });

  it.each([
    ["a string", "abcdef", "cdef"],
    ["bytes", new TextEncoder().encode("abcdef").buffer, "cdef"],
    ["no body", null, ""],
  ])("cuts a body already read (%s) the same way", async (_, data, expected) => {
    expect(new TextDecoder().decode((await readByteTail(data, 4)).bytes())).toBe(expected);
  });
});

describe("toTailText", () => {
  it("keeps a whole log whole, first line included", () => {
    expect(toTailText(tailOf("first\nsecond", 64), false)).toBe("first\nsecond");
  });

  it.each([
    ["bytes were dropped", tailOf("first\nsecond\nthird", 10), false, "third"],
    ["the answer was ranged", tailOf("rst\nsecond", 64), true, "second"],
  ])("drops the first, cut line when %s", (_, tail, ranged, expected) => {
    expect(toTailText(tail, ranged)).toBe(expected);
  });

  it("drops the stray bytes of a character cut in two when there is no line to drop", () => {
    // "€" is 3 bytes, "é" 2: the last 4 bytes of "a€é" start at the second byte of "€".
    expect(toTailText(tailOf("a€é", 4), false)).toBe("é");
    expect(toTailText(tailOf("€€", 4), false)).toBe("€");
  });
});
