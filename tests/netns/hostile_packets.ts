/**
 * Hostile packets for the over-the-wire hardening test (issue 16 item 1): the
 * codec fuzzer's mutations of the corpus (tests/codec/mutate.ts) and the
 * shapes that crashed or hung other stacks (shared/research/peers.md §4):
 * pointer loops and long pointer chains (Avahi CVE-2017-6519's cousins,
 * dns-packet CVE-2021-23386), section counts beyond the records, rdlength past
 * the end, empty rdata for A/AAAA/SRV/PTR, a TXT claiming 65,535 bytes and one
 * filling a 9,000-byte datagram, escaped dots inside host labels,
 * self-referencing records, opcode and rcode not 0 (RFC 6762 §18.3, §18.11),
 * probes and responses for the target's own names with garbage rdata, and
 * responses from a port other than 5353 (RFC 6762 §6, sent by the agent from
 * an ephemeral port).
 *
 * Every packet is a pure function of (seed, index), so a failing run replays.
 * The garbage rdata for the target's own names is always malformed (a length
 * no A/AAAA/SRV/PTR can have): a well-formed conflicting record would be a
 * genuine conflict, which RFC 6762 §9 answers by probing again (item 4's
 * subject, not this one's).
 *
 * @module
 */

import { loadCorpus } from "../codec/corpus.ts";
import { mutate } from "../codec/mutate.ts";
import { seededRandom } from "../../testing/mod.ts";
import { encodeName, TYPE } from "./packets.ts";

/** How a hostile packet travels. */
export type HostileRoute = "multicast" | "other-port";

/** One hostile packet and what it is. */
export interface HostilePacket {
  /** The datagram. */
  readonly bytes: Uint8Array;
  /** Its shape (`mutated`, `pointer-loop`, ...). */
  readonly kind: string;
  /** Multicast from port 5353, or unicast from an ephemeral port. */
  readonly route: HostileRoute;
}

/** The target's names, so some shapes aim at them. */
export interface HostileTarget {
  /** Its host name, `hard-a.local`. */
  readonly host: string;
  /** Its service instance, `Den._mdt._tcp.local`. */
  readonly instance: string;
  /** The service type, `_mdt._tcp.local`. */
  readonly type: string;
}

const SRV = TYPE.SRV;
const NSEC = 47;

/** A header: id 0, `flags`, the four counts. */
function header(flags: number, counts: readonly number[]): number[] {
  const out = [0, 0, flags >> 8, flags & 0xff];
  for (const c of counts) out.push(c >> 8, c & 0xff);
  return out;
}

/** A record's fixed part after its name: type, class (cache-flush), TTL 120, rdlength. */
function fixed(type: number, rdlength: number, cacheFlush = true): number[] {
  const cls = (cacheFlush ? 0x8000 : 0) | 1;
  return [
    type >> 8,
    type & 0xff,
    cls >> 8,
    cls & 0xff,
    0,
    0,
    0,
    120,
    rdlength >> 8,
    rdlength & 0xff,
  ];
}

const RESPONSE = 0x8400;

/**
 * The seeded generator of hostile packets.
 *
 * @example
 * ```ts ignore
 * const gen = new HostileGenerator(0x5eed, { host: "hard-a.local", instance: "Den._mdt._tcp.local", type: "_mdt._tcp.local" });
 * const p = gen.packet(0);
 * ```
 */
export class HostileGenerator {
  #seed: number;
  #target: HostileTarget;
  #corpus = loadCorpus().map((e) => e.bytes);
  #shapes: ((random: () => number) => HostilePacket)[];

  constructor(seed: number, target: HostileTarget) {
    this.#seed = seed;
    this.#target = target;
    const t = target;
    const host = [...encodeName(t.host)];
    const instance = [...encodeName(t.instance)];
    const pick = (random: () => number, n: number) => Math.floor(random() * n);
    const bytes = (random: () => number, n: number) =>
      Array.from({ length: n }, () => pick(random, 256));
    const pkt = (kind: string, b: number[], route: HostileRoute = "multicast"): HostilePacket => ({
      bytes: new Uint8Array(b),
      kind,
      route,
    });
    this.#shapes = [
      // A name that points at itself, in a question and in an answer.
      () => pkt("pointer-loop", [...header(0, [1, 0, 0, 0]), 0xc0, 12, 0, 12, 0, 1]),
      () =>
        pkt("pointer-loop", [
          ...header(RESPONSE, [0, 1, 0, 0]),
          0xc0,
          12,
          ...fixed(1, 4),
          1,
          2,
          3,
          4,
        ]),
      // Two pointers pointing at each other.
      () =>
        pkt("pointer-loop", [
          ...header(RESPONSE, [0, 1, 0, 0]),
          1,
          0x61,
          0xc0,
          16,
          0xc0,
          12,
          ...fixed(12, 2),
          0xc0,
          14,
        ]),
      // A chain of 200 pointers, each to the one before (every one backwards).
      (random) => {
        const b = [...header(RESPONSE, [0, 1, 0, 0])];
        const first = b.length;
        b.push(...encodeName("chain.local"));
        let previous = first;
        const hops = 100 + pick(random, 150);
        for (let i = 0; i < hops; i++) {
          const at = b.length;
          b.push(0xc0 | (previous >> 8), previous & 0xff);
          previous = at;
        }
        b.push(0xc0 | (previous >> 8), previous & 0xff, ...fixed(1, 4), 198, 18, 9, 9);
        return pkt("pointer-chain", b);
      },
      // Counts far beyond the records present.
      (random) =>
        pkt("counts-beyond", [
          ...header(RESPONSE, [pick(random, 3), 0xffff, 0xffff, 0xffff]),
          ...host,
          ...fixed(1, 4),
          198,
          18,
          1,
          1,
        ]),
      (random) =>
        pkt("counts-beyond", [
          ...header(0, [0xffff, pick(random, 9), 0, 0]),
          ...instance,
          0,
          33,
          0,
          1,
        ]),
      // rdlength past the end of the packet.
      (random) =>
        pkt("rdlength-past-end", [
          ...header(RESPONSE, [0, 1, 0, 0]),
          ...host,
          ...fixed(1, 5 + pick(random, 60000)),
          198,
          18,
          1,
          1,
        ]),
      // Empty rdata for the types whose rdata cannot be empty.
      (random) => {
        const type = [TYPE.A, TYPE.AAAA, SRV, TYPE.PTR][pick(random, 4)];
        const name = type === TYPE.PTR ? [...encodeName(t.type)] : type === SRV ? instance : host;
        return pkt("empty-rdata", [...header(RESPONSE, [0, 1, 0, 0]), ...name, ...fixed(type, 0)]);
      },
      // TXT: rdlength 65,535 with what a datagram can carry, and one filling 9,000 bytes.
      (random) => {
        const body = bytes(random, 1000 + pick(random, 7000)).map((v) => v);
        return pkt("txt-65535", [
          ...header(RESPONSE, [0, 1, 0, 0]),
          ...instance,
          ...fixed(16, 0xffff),
          ...body,
        ]);
      },
      () => {
        const strings: number[] = [];
        while (strings.length + 256 < 8900) strings.push(255, ...new Array(255).fill(0x78));
        return pkt("txt-large", [
          ...header(RESPONSE, [0, 1, 0, 0]),
          ...encodeName("big._mdt._tcp.local"),
          ...fixed(16, strings.length),
          ...strings,
        ]);
      },
      // Dots inside labels (an escaped dot in presentation form): a host and an SRV target.
      () => {
        const dotted = [6, 0x68, 0x61, 0x72, 0x64, 0x2e, 0x61, 5, 0x6c, 0x6f, 0x63, 0x61, 0x6c, 0]; // "hard\.a.local"
        return pkt("escaped-dot", [
          ...header(RESPONSE, [0, 1, 0, 0]),
          ...dotted,
          ...fixed(1, 4),
          198,
          18,
          7,
          7,
        ]);
      },
      () => {
        const target = [
          8,
          ...new TextEncoder().encode("hard-a.l"),
          5,
          ...new TextEncoder().encode("local"),
          0,
        ];
        const name = encodeName("Dot\\.Den._mdt._tcp.local".replace("\\.", "."));
        return pkt("escaped-dot", [
          ...header(RESPONSE, [0, 1, 0, 0]),
          ...name,
          ...fixed(SRV, 6 + target.length),
          0,
          0,
          0,
          0,
          0x10,
          0x92,
          ...target,
        ]);
      },
      // Records that refer to themselves: a PTR to its own name, an SRV whose target is itself,
      // an NSEC whose next name is its own name.
      () => {
        const b = [...header(RESPONSE, [0, 3, 0, 0])];
        const self = b.length;
        b.push(
          ...encodeName("self._mdt._tcp.local"),
          ...fixed(TYPE.PTR, 2, false),
          0xc0 | (self >> 8),
          self & 0xff,
        );
        b.push(
          0xc0 | (self >> 8),
          self & 0xff,
          ...fixed(SRV, 8),
          0,
          0,
          0,
          0,
          0,
          80,
          0xc0 | (self >> 8),
          self & 0xff,
        );
        b.push(
          0xc0 | (self >> 8),
          self & 0xff,
          ...fixed(NSEC, 6),
          0xc0 | (self >> 8),
          self & 0xff,
          0,
          2,
          0,
          0x40,
        );
        return pkt("self-reference", b);
      },
      // Opcode not 0 (RFC 6762 §18.3) and rcode not 0 (§18.11), otherwise valid.
      (random) =>
        pkt("opcode", [
          ...header(RESPONSE | ((1 + pick(random, 15)) << 11), [0, 1, 0, 0]),
          ...host,
          ...fixed(1, 4),
          198,
          18,
          6,
          6,
        ]),
      (random) =>
        pkt("rcode", [
          ...header(RESPONSE | (1 + pick(random, 15)), [0, 1, 0, 0]),
          ...host,
          ...fixed(1, 4),
          198,
          18,
          6,
          6,
        ]),
      // Probes for our names whose authority records carry garbage rdata.
      (random) => {
        const [type, length] = garbage(random, pick);
        const name = type === TYPE.A || type === TYPE.AAAA ? host : instance;
        return pkt("own-probe-garbage", [
          ...header(0, [1, 0, 1, 0]),
          ...name,
          0,
          255,
          0x80,
          1,
          ...name,
          ...fixed(type, length, false),
          ...bytes(random, length),
        ]);
      },
      // Responses for our names with garbage rdata.
      (random) => {
        const [type, length] = garbage(random, pick);
        const name = type === TYPE.A || type === TYPE.AAAA
          ? host
          : type === TYPE.PTR
          ? [...encodeName(t.type)]
          : instance;
        const rdata = type === TYPE.PTR
          ? [40, ...bytes(random, Math.max(0, length - 1))]
          : bytes(random, length);
        return pkt("own-response-garbage", [
          ...header(RESPONSE, [0, 1, 0, 0]),
          ...name,
          ...fixed(type, rdata.length),
          ...rdata,
        ]);
      },
      // A well-formed response for our service, sent from an ephemeral port (RFC 6762 §6: ignored).
      () =>
        pkt("other-port", [
          ...header(RESPONSE, [0, 1, 0, 0]),
          ...instance,
          ...fixed(SRV, 6 + host.length),
          0,
          0,
          0,
          0,
          0x10,
          0x92,
          ...host,
        ], "other-port"),
    ];
  }

  /** Packet number `index`: every fourth a shape, the rest corpus mutations. */
  packet(index: number): HostilePacket {
    const random = seededRandom((this.#seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
    if (index % 4 === 3) {
      const shape = this.#shapes[Math.floor(index / 4) % this.#shapes.length];
      return shape(random);
    }
    const base = this.#corpus[index % this.#corpus.length];
    return { bytes: mutate(base, random), kind: "mutated", route: "multicast" };
  }

  /** The target the aimed shapes use. */
  get target(): HostileTarget {
    return this.#target;
  }
}

/**
 * A record type of the target's and an rdlength it cannot have: A not 4,
 * AAAA not 16, SRV under the 7 bytes of its fixed part and root target, PTR
 * whose first label runs past the rdata (built by the caller).
 */
function garbage(
  random: () => number,
  pick: (r: () => number, n: number) => number,
): [number, number] {
  switch (pick(random, 4)) {
    case 0:
      return [TYPE.A, [0, 1, 2, 3, 5, 8, 16][pick(random, 7)]];
    case 1:
      return [TYPE.AAAA, [0, 4, 8, 15, 17, 32][pick(random, 6)]];
    case 2:
      return [SRV, pick(random, 7)];
    default:
      return [TYPE.PTR, 1 + pick(random, 30)];
  }
}
