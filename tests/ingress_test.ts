// The ingress filter's on-link check (RFC 6762 §11) remembers the last source
// it judged (a flood or a busy querier sends many packets in a row): the
// verdict must follow the link's prefixes when they change, and differ per
// arrival interface.
import assert from "node:assert/strict";
import { IngressFilter } from "../_ingress.ts";
import { encodeMessage, MessageReader } from "../codec/mod.ts";
import type { Datagram, NetworkLink } from "../transport/transport.ts";

const query = encodeMessage({
  id: 0,
  flags: 0,
  questions: [{ name: "box.local", type: 1, class: 1, unicastResponse: false }],
  answers: [],
  authorities: [],
  additionals: [],
});
const from = (address: string, interfaceName = "eth0"): Datagram => ({
  data: query,
  interfaceName,
  family: "IPv4",
  source: { address, port: 5353 },
  unicast: false,
});

Deno.test("ingress: the on-link verdict follows a link's new prefix and each interface's own", () => {
  let links: NetworkLink[] = [
    { name: "eth0", index: 2, ipv4: ["198.18.0.2/24"], ipv6: [] },
    { name: "eth1", index: 3, ipv4: ["198.19.0.2/24"], ipv6: [] },
  ];
  const filter = new IngressFilter(() => links);
  const check = (d: Datagram) => filter.check(new MessageReader(d.data), d);
  assert.equal(check(from("198.18.0.9")), undefined);
  assert.equal(check(from("198.18.0.9")), undefined);
  assert.equal(check(from("198.18.0.9", "eth1")), "off-link");
  assert.equal(check(from("198.19.0.9", "eth1")), undefined);
  assert.equal(check(from("198.19.0.9")), "off-link");
  assert.equal(check(from("198.19.0.9")), "off-link");
  // eth0 moves to a /15 that covers 198.19.0.9: the link event makes the
  // pipeline call forget(), and the same source is on-link from then on.
  links = [{ ...links[0], ipv4: ["198.18.0.2/15"] }, links[1]];
  filter.forget("eth0");
  assert.equal(check(from("198.19.0.9")), undefined);
  links = [{ ...links[0], ipv4: ["198.18.0.2/24"] }, links[1]];
  filter.forget("eth0");
  assert.equal(check(from("198.19.0.9")), "off-link");
});
