import { describe, expect, it } from "vitest";
import { IssueTitles } from "../../src/shell/issue-titles.js";

describe("IssueTitles", () => {
  it("gives back the title last read for an issue, whatever the repo's case", () => {
    const titles = new IssueTitles();
    titles.remember("Acme/Widgets", 4, "Spin");
    titles.remember("acme/widgets", 4, "Spin faster");
    expect(titles.get("ACME/widgets", 4)).toBe("Spin faster");
    expect(titles.size).toBe(1);
  });

  it("knows no title for an issue it has not read", () => {
    expect(new IssueTitles().get("acme/widgets", 4)).toBeNull();
  });

  it("holds at most its bound, forgetting the title read longest ago", () => {
    const titles = new IssueTitles(2);
    titles.remember("acme/widgets", 1, "one");
    titles.remember("acme/widgets", 2, "two");
    titles.remember("acme/widgets", 1, "one again");
    titles.remember("acme/widgets", 3, "three");
    expect(titles.size).toBe(2);
    expect([1, 2, 3].map((issue) => titles.get("acme/widgets", issue))).toEqual(["one again", null, "three"]);
  });
});
