/**
 * A bound on legacy unicast replies per source address (RFC 6762 §6.7).
 *
 * A legacy query (source port not 5353) is answered by unicast to where it
 * came from, at once and without the §6 once-a-second limit that holds
 * multicast answers back (§6.7: the responder "MUST send a UDP response
 * directly back to the querier, via unicast"). So every legacy query draws a
 * packet, and a flood from one address makes the responder an amplifier
 * aimed at it (20,000 queries a second drew 20,000 replies; most of our CPU
 * was the kernel sending them). Answering them serves nobody: a real legacy
 * resolver (a unicast DNS client, `dig`, `nslookup`, `getaddrinfo`) asks a
 * question or two and waits a second or more before it asks again. The
 * MUST is kept for every resolver that behaves like one; the bound below
 * only ever silences an address sending more than any resolver does.
 *
 * So each source address has a token bucket, refilled at
 * {@linkcode LEGACY_QUERY_RATE} a second (`MdnsOptions.legacyQueryRate`) and
 * holding {@linkcode LEGACY_BURST_SECONDS} of that (100 queries by
 * default). Each legacy query spends one, answered or not, and a query from
 * an address with none left is not read at all (so it costs neither planning
 * nor a reply); the stack counts it (`MdnsStats.legacyLimited`). The key is
 * the address alone, never the port: a flooder changes ports freely, and a
 * host's resolvers share its address. Other addresses keep their own
 * buckets, so a resolver elsewhere on the link is answered throughout a
 * flood.
 *
 * The table holds at most {@linkcode LEGACY_SOURCES_MAX} addresses, in the
 * order they were last read. A new address takes the place of the least
 * recently read one only when that one's bucket has refilled (it is then as
 * good as absent); when every address in the table is still
 * spending, the new one is refused until one refills. So a flood from many
 * (spoofed) addresses draws at most `LEGACY_SOURCES_MAX × LEGACY_QUERY_RATE`
 * replies a second after the first bursts, never one per query, and the
 * table never grows.
 *
 * The peers differ: mDNSResponder answers every legacy query at once, with
 * no limit (`mDNSCoreReceiveQuery`); Avahi, when `ratelimit-interval-usec`
 * is set, counts every packet it sends on an interface against one budget
 * (`avahi_interface_send_packet_unicast`), so a flood from one address uses
 * up the answers everyone else on the link was owed.
 *
 * @module
 */

/** Queries an address's bucket regains each second, by default. */
export const LEGACY_QUERY_RATE = 20;
/** Seconds' worth of queries a bucket holds: its burst (a resolver's retries never come near). */
export const LEGACY_BURST_SECONDS = 5;
/** Source addresses tracked at most. */
export const LEGACY_SOURCES_MAX = 128;

interface Bucket {
  tokens: number;
  at: number;
}

/** Token buckets of legacy queries by source address (see the module note). */
export class LegacyLimit {
  // Ordered by last read: the first entry is the least recently read.
  #buckets = new Map<string, Bucket>();
  #last: string | undefined;
  #burst: number;
  #perMs: number;

  /**
   * Buckets of `rate` queries a second ({@linkcode LEGACY_QUERY_RATE} by
   * default), each holding {@linkcode LEGACY_BURST_SECONDS} of them;
   * `Infinity` reads every query.
   *
   * @throws {RangeError} When `rate` is not a positive number.
   */
  constructor(rate: number = LEGACY_QUERY_RATE) {
    if (!(rate > 0)) throw new RangeError(`Legacy query rate must be positive: ${rate}`);
    this.#burst = rate * LEGACY_BURST_SECONDS;
    this.#perMs = rate / 1000;
  }

  /** The most queries an address may have read at once. */
  get burst(): number {
    return this.#burst;
  }

  /** Addresses tracked now (at most {@linkcode LEGACY_SOURCES_MAX}). */
  get size(): number {
    return this.#buckets.size;
  }

  /**
   * True when a legacy query from `address` may be read at `now`; it spends one. False
   * when its bucket is empty, or the table is full of addresses still
   * spending and `address` is not among them.
   */
  take(address: string, now: number): boolean {
    if (this.#burst === Infinity) return true;
    const buckets = this.#buckets;
    const burst = this.#burst;
    let bucket = buckets.get(address);
    if (bucket === undefined) {
      if (buckets.size >= LEGACY_SOURCES_MAX) {
        const [oldest, oldestBucket] = buckets.entries().next().value!;
        if (oldestBucket.tokens + (now - oldestBucket.at) * this.#perMs < burst) {
          return false;
        }
        buckets.delete(oldest);
      }
      bucket = { tokens: burst, at: now };
      buckets.set(address, bucket);
    } else {
      const tokens = bucket.tokens + (now - bucket.at) * this.#perMs;
      bucket.tokens = tokens < burst ? tokens : burst;
      bucket.at = now;
      if (bucket.tokens < 1) return false;
      if (this.#last !== address) {
        // Most recently read last (a flood's repeats skip the move).
        buckets.delete(address);
        buckets.set(address, bucket);
      }
    }
    this.#last = address;
    bucket.tokens -= 1;
    return true;
  }

  /** Forgets every address (the stack closed). */
  clear(): void {
    this.#buckets.clear();
    this.#last = undefined;
  }
}
