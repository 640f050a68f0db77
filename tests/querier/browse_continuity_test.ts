// Issue 14, item 3: a service whose PTR lives is never reported removed while
// one of its parts is being replaced; it is `updated` once whole again.
import assert from "node:assert/strict";
import { a, ptr, srv, txt } from "../cache/_records.ts";
import type { BrowseEvent } from "../../querier/types.ts";
import { nextEvent, type Rig, rig } from "./_harness.ts";

const TYPE = "_http._tcp.local";
const DEN = "Den._http._tcp.local";

/** Reads every event of `browser` into a list while the test advances the clock. */
function record(it: AsyncIterator<BrowseEvent>): { events: string[]; last: () => BrowseEvent } {
  const events: string[] = [];
  let latest: BrowseEvent | undefined;
  void (async () => {
    for (;;) {
      const { value, done } = await it.next();
      if (done) return;
      latest = value;
      events.push(
        `${value.type} ${value.service.host} ${
          value.service.addresses.map((x) => x.address).join(",")
        } ${value.service.txt?.getString("v") ?? "-"}`,
      );
    }
  })();
  return { events, last: () => latest! };
}

async function whole(r: Rig): Promise<AsyncIterator<BrowseEvent>> {
  const it = r.querier.browse("_http._tcp")[Symbol.asyncIterator]();
  r.respond([
    ptr(TYPE, DEN),
    srv(DEN, "den.local"),
    txt(DEN, ["v=1"]),
    a("den.local", "198.18.0.9"),
  ]);
  assert.equal((await nextEvent(r, it))?.type, "added");
  await r.advance(2000);
  return it;
}

Deno.test("browse continuity: an SRV moved to a new host whose A comes 300 ms later is one update", async () => {
  await using r = await rig();
  const it = await whole(r);
  const seen = record(it);
  r.respond([srv(DEN, "den2.local")]); // cache-flush: the old SRV goes in a second
  await r.advance(300);
  r.respond([a("den2.local", "198.18.0.10")]);
  await r.advance(5000);
  assert.deepEqual(seen.events, ["updated den2.local 198.18.0.10 1"]);
  await it.return!();
});

Deno.test("browse continuity: a host renumbered (goodbye, new A 1.2 s later) is one update", async () => {
  await using r = await rig();
  const it = await whole(r);
  const seen = record(it);
  r.respond([a("den.local", "198.18.0.9", 0)]); // goodbye: gone after one second
  await r.advance(1200);
  r.respond([a("den.local", "198.18.0.11")]);
  await r.advance(5000);
  assert.deepEqual(seen.events, ["updated den.local 198.18.0.11 1"]);
  await it.return!();
});

Deno.test("browse continuity: a TXT goodbye with the new TXT 1.5 s later is one update", async () => {
  await using r = await rig();
  const browser = r.querier.browse("_http._tcp");
  const it = browser[Symbol.asyncIterator]();
  r.respond([
    ptr(TYPE, DEN),
    srv(DEN, "den.local"),
    txt(DEN, ["v=1"]),
    a("den.local", "198.18.0.9"),
  ]);
  assert.equal((await nextEvent(r, it))?.type, "added");
  const seen = record(it);
  r.respond([txt(DEN, ["v=1"], 0)]);
  await r.advance(1500);
  // While incomplete the browse keeps what it last saw whole.
  assert.deepEqual(browser.services().map((s) => s.txt?.getString("v")), ["1"]);
  r.respond([txt(DEN, ["v=2"])]);
  await r.advance(5000);
  assert.deepEqual(seen.events, ["updated den.local 198.18.0.9 2"]);
  await it.return!();
});

Deno.test("browse continuity: the PTR's goodbye still removes a service held incomplete", async () => {
  await using r = await rig();
  const it = await whole(r);
  const seen = record(it);
  r.respond([a("den.local", "198.18.0.9", 0)]);
  await r.advance(2000); // incomplete, held
  r.respond([ptr(TYPE, DEN, 0)]);
  await r.advance(2000);
  assert.deepEqual(seen.events, ["removed den.local 198.18.0.9 1"]);
  assert.equal(seen.last().service.name, "Den");
  await it.return!();
});
