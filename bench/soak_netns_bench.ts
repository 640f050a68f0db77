// Soak (issue 16, item 7): one process publishing 20 services and browsing 5
// types for 10 minutes (after a 20 s warm-up) on a network with churn: a peer
// coming and going every 10 s (goodbyes, or kill -9 every third), a flood
// burst of 5,000 unique records and a link bounce once a minute
// (`tests/netns/_soak.ts`). Prints a row per minute: RSS, live heap (after a
// full GC), open file descriptors, browse events seen, datagrams received.
// Root only, in namespaces the lab makes and removes (no traffic leaves them).
//
//   deno run -A --unstable-net bench/soak_netns_bench.ts [minutes]
import { Lab } from "../tests/netns/lab.ts";
import { soak } from "../tests/netns/_soak.ts";

const minutes = Number(Deno.args[0] ?? 10);
const print = (line: string) => {
  // deno-lint-ignore no-console
  console.log(line);
};
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

await using lab = await Lab.create();
const samples = await soak(lab, {
  warmUpMs: 20_000,
  durationMs: minutes * 60_000,
  sampleMs: 60_000,
});
print("| after warm-up (s) | RSS MiB | live heap MiB | fds | events | received |");
print("|---|---|---|---|---|---|");
for (const s of samples) {
  print(`| ${s.at} | ${mib(s.rss)} | ${mib(s.heap)} | ${s.fds} | ${s.events} | ${s.received} |`);
}
const base = samples[0];
const rest = samples.slice(1);
const span = (f: (s: typeof base) => number) =>
  `${mib(Math.min(...rest.map(f)) - f(base))} to ${mib(Math.max(...rest.map(f)) - f(base))}`;
print(
  `growth over the baseline: RSS ${span((s) => s.rss)} MiB, heap ${span((s) => s.heap)} MiB, ` +
    `fds ${Math.min(...rest.map((s) => s.fds)) - base.fds} to ${
      Math.max(...rest.map((s) => s.fds)) - base.fds
    }`,
);
