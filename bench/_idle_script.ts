// The floor for bench/browse_netns_bench.ts's `deno-empty` stack: a Deno
// process that loads nothing and only stays alive (one timer a day), so its
// CPU over the bench's windows is what the runtime itself costs.
setInterval(() => {}, 86_400_000);
