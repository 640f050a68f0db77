// One process for bench/memory_reducer_bench.ts: grows the heap as a flood or
// a poisoning attack would (about 60 MB of small objects kept, then dropped),
// then idles, printing the heap as JSON lines at the peak and every 15 s.
// Loads nothing else, so the heap is Deno's own plus this wave.
let kept: unknown[] = [];
for (let i = 0; i < 400_000; i++) kept.push({ n: i, name: `host-${i}.local`, data: [i, i + 1] });
const start = performance.now();
const report = (phase: string) => {
  const m = Deno.memoryUsage();
  // deno-lint-ignore no-console
  console.log(JSON.stringify({
    phase,
    s: Math.round((performance.now() - start) / 1000),
    heapUsedMB: +(m.heapUsed / 1e6).toFixed(1),
    heapTotalMB: +(m.heapTotal / 1e6).toFixed(1),
    rssMB: +(m.rss / 1e6).toFixed(1),
  }));
};
report("peak");
kept = [];
for (let s = 15; s <= Number(Deno.args[0] ?? 45); s += 15) {
  await new Promise((r) => setTimeout(r, 15_000));
  report("idle");
}
