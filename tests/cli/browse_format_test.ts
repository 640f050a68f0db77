/**
 * The human output of `browse --resolve` against a golden sample: columns
 * aligned like avahi-browse, marks + = -, details on the following lines; and
 * the JSON fields of issue 9.
 */
import assert from "node:assert/strict";
import {
  browseHeader,
  formatServiceEvent,
  formatTypeEvent,
  serviceJson,
  txtJson,
} from "../../cli/_browse_format.ts";
import { TxtAttributes } from "../../dnssd/mod.ts";
import { sampleService } from "./_context.ts";

const GOLDEN = new URL("./golden/browse_resolve.txt", import.meta.url);

function sampleSession(color: boolean): string[] {
  const printer = sampleService({
    fullName: 'Büro.Drucker "A" (1)._ipp._tcp.local',
    name: 'Büro.Drucker "A" (1)',
    type: "_ipp._tcp",
    host: "drucker.local",
    port: 631,
    txt: TxtAttributes.from({ rp: "ipp/print", note: 'room 2 "east"' }),
    addresses: [{ address: "198.18.1.3", family: "IPv4", interfaceName: "eth1" }],
    interfaces: ["eth1"],
  });
  const web = sampleService();
  const webMoved = sampleService({ port: 8081, txt: TxtAttributes.from({ path: "/new" }) });
  const details = { details: true, color };
  return [
    browseHeader(),
    ...formatServiceEvent("added", web, "09:15:02.125", details),
    ...formatServiceEvent("added", printer, "09:15:02.340", details),
    ...formatServiceEvent("updated", webMoved, "09:16:40.007", details),
    ...formatServiceEvent("removed", printer, "09:17:00.500", details),
  ];
}

Deno.test("browse format: --resolve output matches the golden sample", () => {
  const text = sampleSession(false).join("\n") + "\n";
  assert.equal(text, Deno.readTextFileSync(GOLDEN));
});

Deno.test("browse format: colour only when asked, and the text is the same without the escapes", () => {
  const plain = sampleSession(false);
  const colored = sampleSession(true);
  assert.ok(colored.some((line) => line.includes("\x1b[")));
  assert.ok(plain.every((line) => !line.includes("\x1b[")));
  // deno-lint-ignore no-control-regex
  assert.deepEqual(colored.map((line) => line.replace(/\x1b\[\d+m/g, "")), plain);
});

Deno.test("browse format: columns line up whatever the event", () => {
  const lines = sampleSession(false).filter((line) => /^\d\d:/.test(line));
  const typeColumn = lines.map((line) => line.indexOf("_"));
  assert.equal(new Set(typeColumn).size, 1, lines.join("\n"));
});

Deno.test("browse format: service type lines for browse without TYPE", () => {
  assert.equal(
    formatTypeEvent("removed", {
      serviceType: "_ipp._tcp",
      domain: "local",
      interfaces: ["eth0", "eth1"],
    }, "09:15:02.125"),
    "09:15:02.125 - eth0,eth1 _ipp._tcp      local",
  );
});

Deno.test("browse format: JSON fields of issue 9", () => {
  const fields = serviceJson(sampleService());
  assert.deepEqual(fields, {
    name: "Living Room.2",
    type: "_http._tcp",
    domain: "local",
    host: "box.local",
    port: 8080,
    txt: { path: "/a b", flag: null, empty: "" },
    addresses: ["198.18.1.2", "fd00:5353:1::2", "fe80::2%eth0"],
    interface: "eth0",
    interfaces: ["eth0"],
    ttl: 4500,
    fullName: "Living Room\\.2._http._tcp.local",
  });
  const unresolved = serviceJson(sampleService({
    host: undefined,
    port: undefined,
    txt: undefined,
    addresses: [],
  }));
  assert.equal(unresolved.host, null);
  assert.equal(unresolved.port, null);
  assert.equal(unresolved.txt, null);
  assert.deepEqual(txtJson(TxtAttributes.EMPTY), {});
});
