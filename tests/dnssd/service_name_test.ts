import assert from "node:assert/strict";
import { encodeName, parseName, splitName } from "../../codec/mod.ts";
import {
  parseServiceInstanceName,
  parseServiceType,
  serviceInstanceName,
  servicesEnumerationName,
  serviceTypeName,
  subtypeName,
  validateInstanceName,
  validateServiceName,
} from "../../dnssd/service_name.ts";

Deno.test("validateServiceName accepts RFC 6335 names in any case", () => {
  for (const ok of ["_http", "_ipp", "_HTTP", "_a", "_x-1", "_abcdefghijklmno", "_1a"]) {
    validateServiceName(ok);
  }
});

Deno.test("validateServiceName rejects what RFC 6335 §5.1 forbids, with the right error class", () => {
  const cases: [string, ErrorConstructor, RegExp][] = [
    ["http", TypeError, /must start with "_"/],
    ["_", RangeError, /1 to 15 characters/],
    ["_abcdefghijklmnop", RangeError, /1 to 15 characters/], // 16 characters
    ["_http-", TypeError, /start or end with "-"/],
    ["_-http", TypeError, /start or end with "-"/],
    ["_a--b", TypeError, /two hyphens in a row/],
    ["_80", TypeError, /at least one letter/],
    ["_ibisip_http", TypeError, /only letters, digits and "-"/],
    ["_h.t", TypeError, /only letters/],
  ];
  for (const [name, cls, message] of cases) {
    assert.throws(() => validateServiceName(name), (e: unknown) => {
      assert.ok(e instanceof cls, `${name}: ${e}`);
      assert.match((e as Error).message, message);
      assert.match((e as Error).message, /^Invalid service name "/);
      assert.doesNotMatch((e as Error).message, /\.$/);
      return true;
    });
  }
});

Deno.test("validateServiceName lenient mode accepts names browsers meet", () => {
  validateServiceName("_tivo-videostream", { strict: false }); // 16 characters
  validateServiceName("_ibisip_http", { strict: false });
  validateServiceName("_80", { strict: false });
  assert.throws(() => validateServiceName("_a b", { strict: false }), TypeError);
  assert.throws(() => validateServiceName("_" + "x".repeat(63), { strict: false }), RangeError);
});

Deno.test("validateInstanceName: 63 bytes of UTF-8, not characters; no control characters", () => {
  validateInstanceName("Living Room. 3rd floor");
  validateInstanceName("a\\b.c");
  validateInstanceName("x".repeat(63));
  validateInstanceName("漢".repeat(21)); // 63 bytes
  assert.throws(() => validateInstanceName("漢".repeat(22)), RangeError); // 66 bytes
  assert.throws(() => validateInstanceName("x".repeat(64)), RangeError);
  assert.throws(() => validateInstanceName(""), RangeError);
  assert.throws(() => validateInstanceName("A\x01B"), /control character 0x01/);
  assert.throws(() => validateInstanceName("A\x7fB"), TypeError);
});

Deno.test("parseServiceType handles bare types, domains, trailing dots and subtypes", () => {
  assert.deepEqual(parseServiceType("_http._tcp"), {
    serviceName: "_http",
    protocol: "_tcp",
    domain: "local",
  });
  assert.deepEqual(parseServiceType("_ipp._TCP.example.com."), {
    serviceName: "_ipp",
    protocol: "_tcp",
    domain: "example.com",
  });
  assert.deepEqual(parseServiceType("_printer._sub._http._tcp.local"), {
    serviceName: "_http",
    protocol: "_tcp",
    domain: "local",
    subtype: "_printer",
  });
  assert.throws(() => parseServiceType("_http._sctp"), /protocol must be "_tcp" or "_udp"/);
  assert.throws(() => parseServiceType("_http"), TypeError);
  assert.throws(() => parseServiceType("_http-._tcp"), TypeError);
});

Deno.test("serviceTypeName and subtypeName build the browse names", () => {
  assert.equal(serviceTypeName("_http._tcp"), "_http._tcp.local");
  assert.equal(serviceTypeName("_printer._sub._http._tcp"), "_http._tcp.local");
  assert.equal(subtypeName("_printer", "_http._tcp"), "_printer._sub._http._tcp.local");
  assert.equal(servicesEnumerationName(), "_services._dns-sd._udp.local");
  assert.throws(() => subtypeName("", "_http._tcp"), RangeError);
  assert.throws(() => subtypeName("x".repeat(64), "_http._tcp"), RangeError);
});

Deno.test("instance names with dots and backslashes escape and round-trip (RFC 6763 §4.3)", () => {
  const full = serviceInstanceName("a.b\\c", "_http._tcp");
  assert.equal(full, "a\\.b\\\\c._http._tcp.local");
  // One label on the wire: 5 bytes "a.b\c", dot inside the label.
  const wire = encodeName(full);
  assert.equal(wire[0], 5);
  assert.deepEqual([...wire.subarray(1, 6)], [...new TextEncoder().encode("a.b\\c")]);
  assert.deepEqual(splitName(full), ["a.b\\c", "_http", "_tcp", "local"]);
  const parsed = parseServiceInstanceName(full + ".");
  assert.equal(parsed.name, "a.b\\c");
  assert.equal(parsed.fullName, full);
  assert.equal(parsed.type.serviceName, "_http");
});

Deno.test("parseServiceInstanceName undoes \\DDD escapes", () => {
  const parsed = parseServiceInstanceName("A\\032web\\032page._http._tcp.local.");
  assert.equal(parsed.name, "A web page");
  assert.equal(parsed.fullName, "A web page._http._tcp.local");
});

Deno.test("parseServiceInstanceName is lenient about service names and strict about shape", () => {
  assert.equal(
    parseServiceInstanceName("x._tivo-videostream._tcp.local").type.serviceName,
    "_tivo-videostream",
  );
  assert.throws(
    () => parseServiceInstanceName("x._tivo-videostream._tcp.local", { strict: true }),
    RangeError,
  );
  assert.throws(() => parseServiceInstanceName("printer.local"), TypeError);
  assert.throws(() => parseServiceInstanceName("a._printer._sub._http._tcp.local"), /subtype/);
});

Deno.test("serviceInstanceName normalizes to NFC and checks the 255-byte total", () => {
  const decomposed = "Cafe\u0301"; // e + combining acute
  const full = serviceInstanceName(decomposed, "_http._tcp");
  assert.equal(full, "Caf\u00e9._http._tcp.local");
  const longDomain = Array.from({ length: 4 }, () => "d".repeat(60)).join(".");
  assert.throws(
    () => serviceInstanceName("x".repeat(40), `_http._tcp.${longDomain}`),
    (e: unknown) => e instanceof RangeError && /longer than 255 bytes/.test((e as Error).message),
  );
  // A name just inside the limit parses.
  parseName(serviceInstanceName("x".repeat(63), "_http._tcp"));
});

Deno.test("the fast label path agrees with the codec on every kind of name", () => {
  const names = [
    "Den._http._tcp.local",
    "Den._http._tcp.local.",
    "Küche._http._tcp.local",
    "a\\.b._http._tcp.local",
    "A\\032B._http._tcp.local",
    "x".repeat(63) + "._http._tcp.local",
    "_printer._sub._http._tcp.example.com",
  ];
  for (const n of names) {
    const parsed = parseServiceInstanceName(n.startsWith("_printer") ? "i." + n.slice(14) : n);
    assert.equal(parsed.fullName, serviceInstanceName(parsed.name, parsed.type), n);
    assert.equal(splitName(parsed.fullName)[0], parsed.name, n);
  }
  assert.throws(() => parseServiceInstanceName("x".repeat(64) + "._http._tcp.local"), RangeError);
  assert.throws(() => parseServiceInstanceName("a.._http._tcp.local"), TypeError);
  assert.throws(() => parseServiceType(("a".repeat(60) + ".").repeat(5) + "_http._tcp"), Error);
});
