// The app's webhook deliveries against nock, every request checked against GitHub's
// OpenAPI description (test/support/github-openapi.ts).

import nock from "nock";
import { describe, expect, it } from "vitest";
import { DELIVERY_MAX_PAGES, toRedeliveries, type RestDelivery } from "../../../src/adapters/github/app-deliveries.js";
import { createGitHubApp } from "../../../src/adapters/github/github-app.js";
import type { Octokit } from "../../../src/adapters/github/octokit.js";
import { aTestOctokit, useGitHubNock } from "../../support/github-nock.js";

const API = "https://api.github.com";
const DELIVERIES = "/app/hook/deliveries";
const SINCE = Date.parse("2026-01-01T12:00:00Z");

function anOctokit(): Octokit {
  return aTestOctokit("jwt");
}

const deliveries = createGitHubApp(anOctokit(), { clock: () => SINCE });
useGitHubNock();

type Outcome = "ok" | "500" | "timeout";

const OUTCOMES: Record<Outcome, Pick<RestDelivery, "status" | "status_code">> = {
  ok: { status: "OK", status_code: 200 },
  "500": { status: "Invalid HTTP Response: 500", status_code: 500 },
  timeout: { status: "timed out", status_code: 0 },
};

/** A delivery `minutes` after the window opens (negative: before it). */
function aDelivery(id: number, guid: string, minutes: number, outcome: Outcome = "500") {
  return {
    id,
    guid,
    delivered_at: new Date(SINCE + minutes * 60_000).toISOString().replace(".000", ""),
    redelivery: false,
    duration: 0.5,
    event: "issues",
    action: "labeled",
    installation_id: 42,
    repository_id: 7,
    ...OUTCOMES[outcome],
  };
}

function nextLink(cursor: string): { link: string } {
  return { link: `<${API}${DELIVERIES}?per_page=100&cursor=${cursor}>; rel="next"` };
}

describe("failed deliveries", () => {
  it("asks for one attempt per event whose latest delivery failed, skipping events that later got through", async () => {
    nock(API)
      .get(DELIVERIES)
      .query({ per_page: "100" })
      .reply(200, [
        aDelivery(6, "failed-twice", 50, "timeout"),
        aDelivery(5, "failed-then-ok", 40, "ok"),
        aDelivery(4, "failed-twice", 30),
        aDelivery(3, "failed-then-ok", 20),
        aDelivery(2, "ok", 10, "ok"),
        aDelivery(1, "failed-once", 5),
      ]);
    expect(await deliveries.listFailedDeliveries(SINCE)).toEqual({ ok: true, value: [6, 1] });
  });

  it("pages with the cursor from the Link header until a page reaches back past the window, ignoring older deliveries", async () => {
    nock(API)
      .get(DELIVERIES)
      .query({ per_page: "100" })
      .reply(200, [aDelivery(30, "c", 30), aDelivery(29, "b", 20)], nextLink("v1_29"))
      .get(DELIVERIES)
      .query({ per_page: "100", cursor: "v1_29" })
      .reply(200, [aDelivery(28, "a", 10), aDelivery(27, "b", -5, "ok"), aDelivery(26, "old", -10)], nextLink("v1_26"));
    expect(await deliveries.listFailedDeliveries(SINCE)).toEqual({ ok: true, value: [30, 29, 28] });
  });

  it("stops when GitHub has no next page", async () => {
    nock(API).get(DELIVERIES).query({ per_page: "100" }).reply(200, []);
    expect(await deliveries.listFailedDeliveries(SINCE)).toEqual({ ok: true, value: [] });
  });

  it(`stops after ${DELIVERY_MAX_PAGES} pages even when the cursor never runs out`, async () => {
    const scope = nock(API);
    for (let page = 0; page < DELIVERY_MAX_PAGES; page++) {
      scope
        .get(DELIVERIES)
        .query(page === 0 ? { per_page: "100" } : { per_page: "100", cursor: `v1_${page}` })
        .reply(200, [aDelivery(page + 1, `g${page}`, 60 - page)], nextLink(`v1_${page + 1}`));
    }
    const result = await deliveries.listFailedDeliveries(SINCE);
    expect(result.ok && result.value.length).toBe(DELIVERY_MAX_PAGES);
  });

  it("maps a refused listing to its category", async () => {
    nock(API)
      .get(DELIVERIES)
      .query({ per_page: "100" })
      .reply(401, { message: "A JSON web token could not be decoded" });
    const result = await deliveries.listFailedDeliveries(SINCE);
    expect(!result.ok && result.error.category).toBe("unauthorized");
  });

  it.each([
    ["a 2xx status code", { status: "", status_code: 202 }, []],
    ["GitHub's OK", { status: "OK", status_code: 0 }, []],
    ["a 3xx status code", { status: "Invalid HTTP Response: 302", status_code: 302 }, [1]],
    ["no answer at all", { status: "timed out", status_code: 0 }, [1]],
  ])("reads %s as the delivery's outcome", (_name, outcome, expected) => {
    expect(toRedeliveries([{ ...aDelivery(1, "g", 1), ...outcome }], SINCE)).toEqual(expected);
  });

  it("orders deliveries made in the same second by id", () => {
    const failed = aDelivery(8, "g", 1);
    const ok = aDelivery(9, "g", 1, "ok");
    expect([toRedeliveries([failed, ok], SINCE), toRedeliveries([ok, failed], SINCE)]).toEqual([[], []]);
  });
});

describe("redelivery", () => {
  it("asks GitHub for another attempt of a delivery", async () => {
    nock(API).post("/app/hook/deliveries/6/attempts").reply(202, {});
    expect(await deliveries.redeliver(6)).toEqual({ ok: true, value: undefined });
  });

  it("maps a refused redelivery to its category", async () => {
    nock(API).post("/app/hook/deliveries/6/attempts").reply(422, { message: "Validation Failed" });
    const result = await deliveries.redeliver(6);
    expect(!result.ok && result.error.category).toBe("rejected");
  });
});
