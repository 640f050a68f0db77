import assert from "node:assert/strict";
import {
  diffInterfaces,
  type InterfaceSpec,
  sameAddresses,
  sameIdentity,
  selectInterfaces,
  toNetworkLink,
} from "../../transport/_interface_selection.ts";

type Info = Deno.NetworkInterfaceInfo;

function v4(name: string, cidr: string, mac = `02:00:00:00:00:${name.slice(-1)}0`): Info {
  const [address, len] = cidr.split("/");
  return {
    family: "IPv4",
    name,
    address,
    netmask: "",
    scopeid: null,
    cidr: `${address}/${len}`,
    mac,
  };
}
function v6(
  name: string,
  cidr: string,
  scopeid: number,
  mac = `02:00:00:00:00:${name.slice(-1)}0`,
): Info {
  const [address] = cidr.split("/");
  return { family: "IPv6", name, address, netmask: "", scopeid, cidr, mac };
}

const LO: Info[] = [
  {
    family: "IPv4",
    name: "lo",
    address: "127.0.0.1",
    netmask: "255.0.0.0",
    scopeid: null,
    cidr: "127.0.0.1/8",
    mac: "00:00:00:00:00:00",
  },
  {
    family: "IPv6",
    name: "lo",
    address: "::1",
    netmask: "",
    scopeid: 0,
    cidr: "::1/128",
    mac: "00:00:00:00:00:00",
  },
];
const ETH0: Info[] = [
  v4("eth0", "198.18.1.1/24"),
  v6("eth0", "fd00:5353:1::1/64", 0),
  v6("eth0", "fe80::1/64", 2),
];
const ETH1: Info[] = [v4("eth1", "198.18.2.1/24"), v6("eth1", "fe80::2/64", 3)];

Deno.test("selection groups addresses per interface, sorted by name, loopback off by default", () => {
  const specs = selectInterfaces([...ETH1, ...LO, ...ETH0]);
  assert.deepEqual(specs.map((s) => s.name), ["eth0", "eth1"]);
  const [eth0] = specs;
  assert.equal(eth0.index, 2, "index is the fe80 scope id");
  assert.equal(eth0.loopback, false);
  assert.deepEqual(eth0.ipv4.map((c) => c.address), ["198.18.1.1"]);
  assert.deepEqual(eth0.ipv6.map((c) => c.address), ["fd00:5353:1::1", "fe80::1"]);
  assert.deepEqual(toNetworkLink(eth0), {
    name: "eth0",
    index: 2,
    ipv4: ["198.18.1.1/24"],
    ipv6: ["fd00:5353:1::1/64", "fe80::1/64"],
  });
});

Deno.test("loopback: by option or by name, with Linux's ifindex 1", () => {
  const byOption = selectInterfaces([...LO, ...ETH0], { loopback: true });
  assert.deepEqual(byOption.map((s) => s.name), ["eth0", "lo"]);
  const lo = byOption[1];
  assert.equal(lo.loopback, true);
  assert.equal(lo.index, 1);
  assert.deepEqual(lo.ipv6.map((c) => c.address), ["::1"]);
  assert.deepEqual(selectInterfaces([...LO, ...ETH0], { include: ["lo"] }).map((s) => s.name), [
    "lo",
  ]);
  // An oddly named loopback device is recognised by its addresses.
  const lo0 = LO.map((i) => ({ ...i, name: "lo0" }));
  assert.deepEqual(selectInterfaces(lo0), []);
});

Deno.test("include and exclude by name; exclude wins", () => {
  const all = [...LO, ...ETH0, ...ETH1];
  assert.deepEqual(selectInterfaces(all, { include: ["eth1"] }).map((s) => s.name), ["eth1"]);
  assert.deepEqual(selectInterfaces(all, { exclude: ["eth1"] }).map((s) => s.name), ["eth0"]);
  assert.deepEqual(selectInterfaces(all, { include: ["eth1"], exclude: ["eth1"] }), []);
  assert.deepEqual(selectInterfaces(all, { include: ["nosuch"] }), []);
});

Deno.test("family switches drop addresses and empty interfaces", () => {
  const all = [...ETH0, v6("eth2", "fe80::9/64", 9)];
  const v4only = selectInterfaces(all, { ipv6: false });
  assert.deepEqual(v4only.map((s) => s.name), ["eth0"], "eth2 has nothing left");
  assert.deepEqual(v4only[0].ipv6, []);
  assert.equal(v4only[0].index, 2, "the index is still known");
  const v6only = selectInterfaces(all, { ipv4: false });
  assert.deepEqual(v6only.map((s) => s.name), ["eth0", "eth2"]);
  assert.deepEqual(v6only[0].ipv4, []);
});

Deno.test("no fe80 address: index 0 and IPv6 unusable (link down drops fe80)", () => {
  const down = [v4("eth0", "198.18.1.1/24"), v6("eth0", "fd00:5353:1::1/64", 0)];
  const [spec] = selectInterfaces(down);
  assert.equal(spec.index, 0);
  assert.deepEqual(spec.ipv6, []);
  assert.deepEqual(selectInterfaces([v6("eth0", "fd00::1/64", 0)]), []);
});

Deno.test("unparseable entries are skipped, a missing cidr means a host route", () => {
  const weird: Info[] = [
    { ...v4("eth0", "198.18.1.1/24"), cidr: "bogus" },
    { ...v4("eth0", "198.18.1.2/24"), cidr: null as unknown as string },
  ];
  const [spec] = selectInterfaces(weird);
  assert.deepEqual(spec.ipv4.map((c) => `${c.address}/${c.prefixLength}`), ["198.18.1.2/32"]);
});

Deno.test("identity is name, MAC and index; addresses are compared in order", () => {
  const [a] = selectInterfaces(ETH0);
  const [recreated] = selectInterfaces(ETH0.map((i) => ({ ...i, mac: "02:99:99:99:99:99" })));
  const [reindexed] = selectInterfaces([...ETH0.slice(0, 2), v6("eth0", "fe80::1/64", 7)]);
  assert.ok(sameIdentity(a, a));
  assert.ok(!sameIdentity(a, recreated));
  assert.ok(!sameIdentity(a, reindexed));
  assert.ok(sameAddresses(a, recreated));
  const [readdressed] = selectInterfaces([v4("eth0", "198.18.1.9/24"), ...ETH0.slice(1)]);
  assert.ok(sameIdentity(a, readdressed));
  assert.ok(!sameAddresses(a, readdressed));
  const [reprefixed] = selectInterfaces([v4("eth0", "198.18.1.1/16"), ...ETH0.slice(1)]);
  assert.ok(!sameAddresses(a, reprefixed));
});

Deno.test("diff reports added, removed, replaced and readdressed interfaces", () => {
  const before = selectInterfaces([...ETH0, ...ETH1]);
  const after = selectInterfaces([
    ...ETH0.map((i) => i.family === "IPv6" && i.scopeid ? { ...i, scopeid: 12 } : i), // re-created
    v4("eth2", "198.18.3.1/24"), // new
  ]);
  const d = diffInterfaces(before, after);
  assert.deepEqual(d.added.map((s) => s.name), ["eth2"]);
  assert.deepEqual(d.removed.map((s) => s.name), ["eth1"]);
  assert.deepEqual(d.replaced.map((r) => [r.before.index, r.after.index]), [[2, 12]]);
  assert.deepEqual(d.readdressed, []);
  const moved = selectInterfaces([v4("eth0", "198.18.1.5/24"), ...ETH0.slice(1)]);
  const d2 = diffInterfaces(before.slice(0, 1), moved);
  assert.deepEqual(d2.readdressed.map((r) => r.after.ipv4[0].address), ["198.18.1.5"]);
  const same: InterfaceSpec[] = selectInterfaces(ETH0);
  assert.deepEqual(diffInterfaces(same, selectInterfaces(ETH0)), {
    added: [],
    removed: [],
    replaced: [],
    readdressed: [],
  });
});
