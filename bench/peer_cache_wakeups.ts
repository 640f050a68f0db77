// Scheduler wake-ups caused by unsolicited records (issue 7, question-aware
// peer cache): 1,000 A records with TTL 120 s heard over the first 10 s, no
// query running, 120 s of virtual time. Each wake-up is one scheduler run of
// the cache's part (expiry and refresh points). Before the cache was
// question-aware: 3,201 wake-ups (every record's four refresh points); now 0
// (refresh points are armed only for records a watch covers; the first
// expiry comes after 120 s).
//
//   deno run bench/peer_cache_wakeups.ts
import { seededRandom, VirtualClock } from "../testing/mod.ts";
import { Scheduler } from "../_scheduler.ts";
import { PeerServiceCache } from "../cache/peer_cache.ts";

const clock = new VirtualClock();
const random = seededRandom(7);
const cache = new PeerServiceCache({ random, maxBytes: 64 * 1024 * 1024 });
let wakeups = 0;
const scheduler = new Scheduler(clock, [{
  nextDeadline: () => cache.nextDeadline(),
  run: (now) => {
    wakeups++;
    cache.expire(now);
    cache.takeDueRefreshes(now);
  },
}]);
for (let i = 0; i < 1000; i++) {
  clock.advance(10);
  cache.insertRecord(
    {
      name: `host-${i}.local`,
      type: 1,
      class: 1,
      cacheFlush: true,
      ttl: 120,
      data: `198.18.${i >> 8}.${i & 255}`,
    },
    { interfaceName: "eth0", now: clock.now() },
  );
  scheduler.wake();
}
clock.advance(120_000 - clock.now());
scheduler.close();
// deno-lint-ignore no-console
console.log(`wake-ups in 120 s for 1,000 unsolicited records: ${wakeups}`);
