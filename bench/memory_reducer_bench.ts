/**
 * Which V8 flags still give back a flood's heap (issue 15 item 3, issue 16
 * item 1): V8's memory reducer shrinks the heap after a burst of allocation,
 * and it also marks a long-running `browse`'s start-up heap twice about 30 s
 * in, half that browse's CPU in its first 2 minutes
 * (bench/browse_netns_bench.ts). No network: each variant runs
 * bench/_heap_wave.ts (about 60 MB kept, then dropped, then idle) in its own
 * process, all at once:
 *
 *   deno run -A bench/memory_reducer_bench.ts [--idle=45]
 *
 * Prints, per flag set, the heap at the peak and after each 15 s of idling.
 * `--memory-reducer-for-small-heaps` is what arms the reducer for a heap that
 * grew by 1 MB after start-up before any full GC (V8's
 * `Heap::NotifyOldGenerationExpansion`, `ms_count_ == 0`); a flood's heap
 * reaches a full GC and arms it anyway (`MemoryReducer::NotifyMarkCompact`).
 *
 * Figures (2026-12-02, Deno 2.9.6 / V8 15.0, 2-core machine shared with other
 * work, load 7-9; heap used / total in MB at the peak, then after 15, 30 and
 * 45 s idle), the recommended `--max-semi-space-size=1,--optimize-for-size`
 * plus the flag named, two runs:
 *
 * | extra flag                            | peak        | 15 s        | 30 s        | 45 s      |
 * |---------------------------------------|-------------|-------------|-------------|-----------|
 * | (none)                                | 65.0 / 66.5 | 3.5 / 9.7   | 3.5 / 9.7   | 3.7 / 4.5 |
 * |                                       | 77.6 / 84.1 | 78.7 / 85.4 | 78.7 / 85.4 | 3.3 / 4.5 |
 * | `--no-memory-reducer-for-small-heaps` | 65.9 / 72.7 | 3.3 / 3.9   | 3.3 / 4.2   | 3.3 / 4.5 |
 * |                                       | 77.6 / 87.7 | 3.3 / 4.5   | 3.3 / 4.5   | 3.3 / 4.5 |
 * | `--memory-reducer-gc-count=1`         | 64.9 / 72.5 | 3.3 / 6.6   | 3.3 / 6.6   | 3.3 / 4.5 |
 * |                                       | 81.2 / 92.1 | 4.7 / 7.1   | 4.7 / 7.1   | 3.3 / 4.5 |
 * | `--no-memory-reducer`                 | 61.7 / 67.0 | 62.9 / 68.6 | 62.9 / 68.6 | 63.0 / 68.6 |
 * |                                       | 77.4 / 87.7 | 78.5 / 89.1 | 78.5 / 89.1 | 78.5 / 89.1 |
 *
 * So `--no-memory-reducer-for-small-heaps` gives a flood's heap back as
 * soon as (or sooner than) the default, where `--no-memory-reducer` keeps it;
 * and it spares a 100-service browse the two start-up reducer GCs
 * (bench/browse_netns_bench.ts: 0.05-0.06 s of CPU in the first 2 minutes
 * instead of 0.09-0.11, Avahi 0.07-0.10 in the same runs).
 *
 * @module
 */
const RECOMMENDED = "--max-semi-space-size=1,--optimize-for-size";
const VARIANTS = [
  "",
  "--no-memory-reducer-for-small-heaps",
  "--memory-reducer-gc-count=1",
  "--no-memory-reducer",
];
const idle = Deno.args.find((a) => a.startsWith("--idle="))?.slice(7) ?? "45";
const script = new URL("./_heap_wave.ts", import.meta.url).pathname;

const results = await Promise.all(VARIANTS.map(async (extra) => {
  const flags = extra === "" ? RECOMMENDED : `${RECOMMENDED},${extra}`;
  const { stdout } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", `--v8-flags=${flags}`, script, idle],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const lines = new TextDecoder().decode(stdout).trim().split("\n").map((l) => JSON.parse(l));
  return {
    extra: extra || "(none)",
    heapUsedTotalMB: lines.map((l) => `${l.heapUsedMB} / ${l.heapTotalMB}`),
  };
}));
// deno-lint-ignore no-console
for (const r of results) console.log(JSON.stringify(r));
