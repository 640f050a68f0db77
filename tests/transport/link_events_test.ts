import assert from "node:assert/strict";
import { linkEvents, type PublishedLink } from "../../transport/link_events.ts";

const eth0: PublishedLink = {
  link: { name: "eth0", index: 2, ipv4: ["198.18.1.1/24"], ipv6: ["fe80::1/64"] },
  mac: "02:00:00:00:00:01",
};
const types = (before?: PublishedLink, after?: PublishedLink) =>
  linkEvents(before, after).map((e) => e.type);

Deno.test("link events: appear, vanish, unchanged", () => {
  assert.deepEqual(linkEvents(undefined, eth0), [{ type: "link-up", link: eth0.link }]);
  assert.deepEqual(linkEvents(eth0, undefined), [{ type: "link-down", link: eth0.link }]);
  assert.deepEqual(linkEvents(eth0, { ...eth0, link: { ...eth0.link } }), []);
  assert.deepEqual(linkEvents(undefined, undefined), []);
});

Deno.test("link events: a re-created interface is down then up", () => {
  assert.deepEqual(types(eth0, { ...eth0, mac: "02:00:00:00:00:99" }), ["link-down", "link-up"]);
  const reindexed = { ...eth0, link: { ...eth0.link, index: 9 } };
  const events = linkEvents(eth0, reindexed);
  assert.deepEqual(events, [
    { type: "link-down", link: eth0.link },
    { type: "link-up", link: reindexed.link },
  ]);
});

Deno.test("link events: new addresses re-announce the link", () => {
  const more = { ...eth0, link: { ...eth0.link, ipv4: ["198.18.1.1/24", "198.18.1.9/24"] } };
  assert.deepEqual(linkEvents(eth0, more), [{ type: "link-up", link: more.link }]);
  const noV6 = { ...eth0, link: { ...eth0.link, ipv6: [] } };
  assert.deepEqual(types(eth0, noV6), ["link-up"]);
  const reordered = { ...more, link: { ...more.link, ipv4: [...more.link.ipv4].reverse() } };
  assert.deepEqual(
    types(more, reordered),
    ["link-up"],
    "the first address sends, so order matters",
  );
});
