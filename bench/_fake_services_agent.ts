// The fake network of N services (bench/_fake_services.ts) on real sockets,
// for bench/browse_netns_bench.ts: run inside a namespace only,
//
//   ip netns exec NS deno run -A --unstable-net bench/_fake_services_agent.ts '{"count":100}'
//
// It answers PTR/SRV/TXT/A/AAAA queries on both families the way a responder
// does (cache-flush on the unique records, additionals, Known-Answer
// suppression, 20-120 ms delay for shared answers, 400-500 ms hold for a
// truncated Known-Answer list, TTL 4500 s for PTR/TXT and 120 s for SRV/A/AAAA),
// so browsers refresh as on a real LAN. Prints {"event":"started"}, then
// {"event":"stats",...} on a line "stats" on stdin; ends on SIGTERM.
import { systemClock, systemRandom } from "../clock.ts";
import { UdpTransport } from "../transport/udp_transport.ts";
import { FakeServices } from "./_fake_services.ts";

const options = JSON.parse(Deno.args[0] ?? "{}") as { count: number };
const transport = new UdpTransport({ interfaces: { include: ["eth0"] } });
const services = new FakeServices(transport, systemClock, systemRandom, {
  count: options.count,
  ipv6: true,
  holdTruncatedMs: 400 + Math.floor(100 * systemRandom()),
});
await services.start();
// deno-lint-ignore no-console
const emit = (m: Record<string, unknown>) => console.log(JSON.stringify(m));
emit({ event: "started", count: options.count });
const stop = () => {
  emit({ event: "stats", queries: services.queries, responses: services.responses });
  void transport.close().finally(() => Deno.exit(0));
};
Deno.addSignalListener("SIGTERM", stop);
