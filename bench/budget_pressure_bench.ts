// A browse under a peer-cache byte budget (issue 14, item 2), in virtual time
// on the in-memory network; every figure is a count, so the machine's load
// does not change it.
//
//  1. 200 services published by 10 stacks (20 each, sharing their host's
//     addresses): complete services after a minute of browsing and the query
//     packets sent in that minute, with room for everything, then with 65 %
//     and 30 % of the bytes the browse needed. Three seeds, min-max.
//  2. 10,000 services (each its own host) announcing within 10 s and
//     answering every question, the browsing stack at the default 4 MiB:
//     evictions, services() size, complete services, query packets.
//
//   deno run -A bench/budget_pressure_bench.ts [seeds]
import { browseManyServices, browseUnderPressure } from "../tests/querier/_pressure.ts";

const seeds = Number(Deno.args[0] ?? 3);
const LAN = { hosts: 10, servicesPerHost: 20, windowMs: 60_000 };
const range = (values: number[]) => {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo === hi ? `${lo}` : `${lo}-${hi}`;
};
const print = (line: string) => {
  // deno-lint-ignore no-console
  console.log(line);
};

const rows = new Map<
  string,
  { complete: number[]; queries: number[]; evictions: number[]; asks: number[] }
>();
for (let seed = 1; seed <= seeds; seed++) {
  const roomy = await browseUnderPressure({ ...LAN, seed, maxBytes: 256 * 1024 * 1024 });
  const runs = [["100 % (no pressure)", roomy]] as [string, typeof roomy][];
  for (const fraction of [0.65, 0.3]) {
    const maxBytes = Math.floor(roomy.bytes * fraction);
    runs.push([
      `${fraction * 100} %`,
      await browseUnderPressure({ ...LAN, seed, maxBytes }),
    ]);
  }
  for (const [label, r] of runs) {
    const row = rows.get(label) ?? { complete: [], queries: [], evictions: [], asks: [] };
    row.complete.push(r.complete);
    row.queries.push(r.queries);
    row.evictions.push(r.evictions);
    row.asks.push(r.maxAsks);
    rows.set(label, row);
  }
}
print(`200 published services, a browse for 60 s (virtual), ${seeds} seeds, min-max:`);
print(
  "budget                  complete/200  query packets/min  evictions    most asks of one name",
);
for (const [label, row] of rows) {
  print(
    `${label.padEnd(24)}${range(row.complete).padEnd(14)}${range(row.queries).padEnd(19)}` +
      `${range(row.evictions).padEnd(13)}${range(row.asks)}`,
  );
}

const many = await browseManyServices({ services: 10_000, windowMs: 60_000 });
print("");
print("10,000 services, default budget (4 MiB), a browse for 60 s (virtual):");
print(
  `evictions ${many.evictions}, services() ${many.listed}, complete ${many.complete}, ` +
    `query packets ${many.queries}, cache ${many.bytes} B`,
);
