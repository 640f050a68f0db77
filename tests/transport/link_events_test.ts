import assert from "node:assert/strict";
import { linkEvents, type PublishedLink } from "../../transport/_link_events.ts";

const eth0: PublishedLink = {
  link: { name: "eth0", index: 2, ipv4: ["198.18.1.1/24"], ipv6: ["fe80::1/64"] },
  mac: "02:00:00:00:00:01",
};
const types = (before?: PublishedLink, after?: PublishedLink) =>
  linkEvents(before, after).map((e) => e.type);

Deno.test("link events: appear, vanish, unchanged", () => {
  assert.deepEqual(linkEvents(undefined, eth0), [{ type: "link-added", link: eth0.link }]);
  assert.deepEqual(linkEvents(eth0, undefined), [{ type: "link-removed", link: eth0.link }]);
  assert.deepEqual(linkEvents(eth0, { ...eth0, link: { ...eth0.link } }), []);
  assert.deepEqual(linkEvents(undefined, undefined), []);
});

Deno.test("link events: a re-created interface is removed then added", () => {
  assert.deepEqual(types(eth0, { ...eth0, mac: "02:00:00:00:00:99" }), [
    "link-removed",
    "link-added",
  ]);
  const reindexed = { ...eth0, link: { ...eth0.link, index: 9 } };
  assert.deepEqual(linkEvents(eth0, reindexed), [
    { type: "link-removed", link: eth0.link },
    { type: "link-added", link: reindexed.link },
  ]);
});

Deno.test("link events: new addresses change the link, with the previous view", () => {
  const more = { ...eth0, link: { ...eth0.link, ipv4: ["198.18.1.1/24", "198.18.1.9/24"] } };
  assert.deepEqual(linkEvents(eth0, more), [
    { type: "link-changed", link: more.link, previous: eth0.link },
  ]);
  const reordered = { ...more, link: { ...more.link, ipv4: [...more.link.ipv4].reverse() } };
  assert.deepEqual(
    types(more, reordered),
    ["link-changed"],
    "the first address sends, so order matters",
  );
});

Deno.test("link events: losing fe80 (and so the index) on link down is a change, not a new link", () => {
  const down = { ...eth0, link: { ...eth0.link, index: 0, ipv6: [] } };
  assert.deepEqual(linkEvents(eth0, down), [
    { type: "link-changed", link: down.link, previous: eth0.link },
  ]);
  assert.deepEqual(types(down, eth0), ["link-changed"], "and back up");
  const recreated = { ...down, mac: "02:00:00:00:00:99" };
  assert.deepEqual(types(down, recreated), ["link-removed", "link-added"], "the MAC still tells");
});

Deno.test("link events: with known flags, down and up; a down link's addresses change silently", () => {
  const down = { ...eth0, link: { ...eth0.link, index: 0, ipv6: [] }, up: false };
  assert.deepEqual(linkEvents(eth0, down), [{ type: "link-down", link: down.link }]);
  const downMore = { ...down, link: { ...down.link, ipv4: ["198.18.1.1/24", "198.18.1.9/24"] } };
  assert.deepEqual(linkEvents(down, downMore), []);
  const back = { ...downMore, up: true };
  assert.deepEqual(linkEvents(downMore, back), [{ type: "link-up", link: back.link }]);
  assert.deepEqual(types(back, eth0), ["link-changed"], "then fe80 returns");
  assert.deepEqual(types({ ...eth0, up: true }, eth0), [], "unknown counts as up");
});

Deno.test("link events: an interface that appears down is added, then down", () => {
  const down = { ...eth0, up: false };
  assert.deepEqual(linkEvents(undefined, down), [
    { type: "link-added", link: eth0.link },
    { type: "link-down", link: eth0.link },
  ]);
  assert.deepEqual(types(down, undefined), ["link-removed"]);
  assert.deepEqual(types(eth0, { ...down, mac: "02:00:00:00:00:99" }), [
    "link-removed",
    "link-added",
    "link-down",
  ]);
});
