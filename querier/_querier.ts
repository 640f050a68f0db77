/**
 * The querier (RFC 6762 §5-§7, §10.4-§10.5; RFC 6763 §9, §12): finds what the
 * LAN offers. It keeps only its questions and their schedules; what it hears
 * lives in the peer cache, which every reply reaches whether asked for or not
 * (the Go seed's client lost replies that came after its window closed).
 *
 * Browse, resolve and the host lookups ask continuous questions (first after
 * 20-120 ms, the QU bit on the first, then 1, 3 and 9 s, then hourly) with
 * Known-Answer lists (split with TC when they do not fit), skip a question
 * another host just asked (§7.3), refresh the records they watch at 80-95 %
 * of the TTL (with a floor against tiny TTLs, `REFRESH_FLOOR_MS`), purge
 * records others asked for in vain (POOF, §10.5) and reconfirm on request
 * (§10.4). Other hosts' queries teach it something only when their answers
 * will be multicast; a unicast response is accepted only when it answers
 * what it asked by QU in the last two seconds (§6).
 *
 * @module
 */

import { MessageReader, recordKey, RecordType } from "../codec/mod.ts";
import type { PeerServiceCache } from "../cache/peer_cache.ts";
import type { LocalCacheReader } from "../cache/local_cache.ts";
import type { ServiceAddress, ServiceInfo } from "../cache/service_info.ts";
import type { Datagram, NetworkLink } from "../transport/transport.ts";
import type { LinkEvent, PartContext, StackPart } from "../stack_part.ts";
import { QuestionSet } from "./_questions.ts";
import { Outbox } from "./_outbox.ts";
import { DOUBT_AFTER_QUERIES } from "./_constants.ts";
import { RefreshRounds } from "./_refreshes.ts";
import { Reconfirmations } from "./_reconfirm.ts";
import { OtherQueries } from "./_other_queries.ts";
import { SessionUpdates } from "./_session_updates.ts";
import type { StreamBrowser } from "./_browser.ts";
import type { LocalSession, SourceHost } from "./_browse_sources.ts";
import { LocalAnswers } from "./_local_answers.ts";
import { Lookups } from "./_lookups.ts";
import { UnicastExpectations } from "./_unicast_expectations.ts";
import { openBrowse } from "./_open_browse.ts";
import type {
  BrowseEvent,
  BrowseOptions,
  Browser,
  LookupAddressOptions,
  LookupHostOptions,
  ResolveOptions,
  ServiceRef,
  ServiceTypeEvent,
  ServiceTypeInfo,
} from "./types.ts";

/**
 * What a querier is built from: the stack's context and the peer cache.
 */
export interface QuerierOptions extends PartContext {
  /** The one store of what the stack heard. */
  readonly peerCache: PeerServiceCache;
  /**
   * The read side of what the stack publishes: browse, resolve and the
   * lookups show our own registered services and host names from it
   * (`local: true`), with no packet. None when omitted.
   */
  readonly localCache?: LocalCacheReader;
  /**
   * Set the QU bit on the first query of each question (RFC 6762 §5.4): only
   * when unicast replies to port 5353 reach this stack. @default {true}
   */
  readonly unicastFirstQuery?: boolean;
}

type AnyBrowser = StreamBrowser<unknown, unknown, unknown>;

/**
 * The querier part of the stack.
 */
export class Querier implements StackPart {
  #ctx: PartContext;
  #cache: PeerServiceCache;
  #unicastFirst: boolean;
  #questions: QuestionSet;
  #others: OtherQueries;
  #unicastAsked = new UnicastExpectations();
  #reconfirms: Reconfirmations;
  #outbox: Outbox;
  #refreshes: RefreshRounds;
  #browsers = new Set<AnyBrowser>();
  #updates: SessionUpdates;
  #closed = false;
  #host: SourceHost;
  #lookups: Lookups;
  #unsubscribeClear: () => void;
  #unsubscribeLocal: () => void;
  #localSessions = new Set<LocalSession>();

  /** Creates a querier; the stack adds it as a part. */
  constructor(options: QuerierOptions) {
    this.#ctx = options;
    this.#cache = options.peerCache;
    this.#unicastFirst = options.unicastFirstQuery ?? true;
    this.#questions = new QuestionSet(options.random);
    this.#refreshes = new RefreshRounds(this.#cache, options.random);
    const localCache = options.localCache;
    // What we publish that answers a question: listed as Known Answers too (§7.1).
    const own = (name: string, type: number, iface: string) =>
      localCache === undefined
        ? []
        : localCache.lookup(name, type, { interfaceName: iface }).filter((r) => r.registered);
    this.#others = new OtherQueries(
      this.#cache,
      (name, type, iface) =>
        own(name, type, iface).map((r) => recordKey(r.record.name, r.record.type, r.rdata)),
    );
    this.#updates = new SessionUpdates(() => options.inTurn?.() === true);
    this.#reconfirms = new Reconfirmations(this.#cache);
    this.#outbox = new Outbox(
      this.#cache,
      (data, to) => {
        this.#unicastAsked.sent(new MessageReader(data), to, this.#ctx.clock.now());
        return this.#ctx.send(data, to);
      },
      (name, type, iface) =>
        own(name, type, iface).map((r) => ({
          remainingTtl: () => r.record.ttl,
          toResourceRecord: () => r.record,
        })),
    );
    const local = options.localCache === undefined
      ? undefined
      : new LocalAnswers(options.localCache, () => this.#ctx.links());
    this.#host = {
      local,
      cache: this.#cache,
      now: () => this.#ctx.clock.now(),
      ask: (name, type, interfaces, followUp, key) => {
        const q = this.#questions.ask(name, type, interfaces, this.#ctx.clock.now(), followUp, key);
        this.#ctx.wake();
        return q;
      },
      release: (q, followUp) => {
        if (this.#questions.release(q, followUp)) this.#outbox.forgetFollowUp(q.name, q.type);
      },
      dirty: (session) => this.#updates.mark(session),
      doubt: (instance) => {
        if (this.#reconfirms.doubt(instance)) this.#ctx.wake();
      },
    };
    this.#lookups = new Lookups(
      this.#cache,
      options.clock,
      this.#host,
      (shot) => this.#updates.forget(shot),
    );
    // The NetX seed (nx_mdns_peer_cache_clear): clearing the peer cache ends the continuous queries.
    this.#unsubscribeClear = this.#cache.onClear(() => {
      for (const b of [...this.#browsers]) b.end("cleared");
    });
    this.#unsubscribeLocal = local?.onChange(() => this.#localChanged()) ?? (() => {});
  }

  // ---- the public API ---------------------------------------------------

  /**
   * Browses a service type (`_http._tcp` or `_http._tcp.local`), or with no
   * type the service types on the network (RFC 6763 §9). Services already in
   * the peer cache, and our own (`local: true`), come first, before any
   * packet is sent.
   *
   * @throws {TypeError} When `type` is not a service type.
   */
  browse(type: string, options?: BrowseOptions): Browser<BrowseEvent>;
  /**
   * Browses the service types on the network (RFC 6763 §9:
   * `_services._dns-sd._udp.local`): `added` and `removed` per type.
   */
  browse(type?: undefined, options?: BrowseOptions): Browser<ServiceTypeEvent, ServiceTypeInfo>;
  browse(
    type?: string,
    options?: BrowseOptions,
  ): Browser<BrowseEvent> | Browser<ServiceTypeEvent, ServiceTypeInfo> {
    const { browser, source } = openBrowse(this.#host, type, options);
    this.#updates.forget(source);
    if (this.#closed) browser.end("closed");
    this.#browsers.add(browser);
    this.#localSessions.add(source);
    browser.onEnd(() => {
      this.#browsers.delete(browser);
      this.#localSessions.delete(source);
    });
    const signal = options?.signal;
    if (signal !== undefined) {
      if (signal.aborted) browser.end("aborted");
      const onAbort = () => browser.end("aborted");
      signal.addEventListener("abort", onAbort, { once: true });
      browser.onEnd(() => signal.removeEventListener("abort", onAbort));
    }
    return browser as Browser<BrowseEvent> | Browser<ServiceTypeEvent, ServiceTypeInfo>;
  }

  /**
   * Resolves one instance, by full name (`Living Room._http._tcp.local`) or
   * by its parts (`{ name: "Mr. Printer", type: "_ipp._tcp" }`, a dot in the
   * label allowed): our own service from the local cache (`local: true`),
   * else from the peer cache when it is complete there, otherwise asking for
   * SRV and TXT, then A and AAAA of the target, until the first complete
   * answer. With `{ type }` alone, the first complete service of the type
   * (the NetX seed's one-shot query by type).
   *
   * Rejects with a `TypeError` or `RangeError` for a bad name or option; with
   * {@linkcode ResolveError} (naming the service, saying what was missing) at
   * the timeout, or with `reason` "closed" once the stack is closed; with the
   * signal's reason when aborted, even if the cache holds the answer.
   */
  resolve(service: string | ServiceRef, options?: ResolveOptions): Promise<ServiceInfo> {
    return this.#lookups.resolve(service, options);
  }

  /**
   * The addresses of a `.local` host (A and AAAA, or one family), each with
   * the link it was heard on; for our own host name, the addresses we
   * publish (`local: true`), with no packet. With both families asked, the
   * first address waits briefly for the other (see `LookupHostOptions.family`).
   *
   * Rejects with a `TypeError` when the name is not under `.local` (RFC 6762
   * §3, §13), a `RangeError` for a bad timeout; with {@linkcode LookupError}
   * (naming the host) at the timeout, at once when an
   * NSEC from the host says it has no address of the family asked (§6.1),
   * or when the stack is closed.
   */
  lookupHost(name: string, options?: LookupHostOptions): Promise<ServiceAddress[]> {
    return this.#lookups.lookupHost(name, options);
  }

  /**
   * The host names of an address, by reverse lookup (RFC 6762 §4:
   * `in-addr.arpa` / `ip6.arpa` PTR).
   *
   * Rejects with a `TypeError` when `ip` is not an IP address; with
   * {@linkcode LookupError} (naming the address) at the timeout.
   */
  lookupAddress(ip: string, options?: LookupAddressOptions): Promise<string[]> {
    return this.#lookups.lookupAddress(ip, options);
  }

  /**
   * Reconfirms an instance (RFC 6762 §10.4): asks again for its SRV, TXT and
   * its host's addresses, and purges those nobody confirms within ten
   * seconds (with the PTRs that list it, once no SRV is left), so a dead
   * entry a user saw fail goes away.
   *
   * @throws {TypeError} When the name is not a service instance name.
   */
  reconfirm(instance: string): void {
    if (this.#reconfirms.start(instance, this.#ctx.clock.now())) this.#ctx.wake();
  }

  // ---- StackPart ----------------------------------------------------------

  /**
   * The next time the querier has work (ms), `Infinity` when none. It owns
   * the peer cache's refresh points (the stack's cache timer runs expiry
   * only); once closed it has no work and wakes for nothing.
   */
  nextDeadline(): number {
    if (this.#closed) return Infinity;
    return Math.min(
      this.#questions.nextDeadline(),
      this.#refreshes.nextDeadline(),
      this.#others.nextDeadline(),
      this.#reconfirms.nextDeadline(),
      this.#outbox.nextDeadline(),
    );
  }

  /** Sends what is due: continuous questions, refreshes, reconfirms; purges what went unanswered. */
  run(now: number): void {
    if (this.#closed) return;
    for (const record of this.#others.failed(now)) this.#cache.purgeRecord(record);
    const outbox = this.#outbox;
    const links = this.#ctx.links();
    const due = this.#questions.due(now);
    // §5.3: first queries whose 20-120 ms window is open, and later ones nearly
    // due, join the packet that goes now.
    if (due.length > 0) due.push(...this.#questions.joinable(now));
    for (const q of due) {
      const qu = q.sent === 0 && this.#unicastFirst;
      for (const link of links) {
        if (q.interfaces !== undefined && !q.interfaces.has(link.name)) continue;
        if (!qu && this.#others.askedByOthers(q.name, q.type, link.name, now)) continue;
        // RFC 6763 §12 follow-ups of a browse: bound per link whatever the network lists.
        if (q.followUp) outbox.addFollowUp(link.name, q.name, q.type, qu);
        else outbox.add(link.name, q.name, q.type, qu, now);
      }
      this.#questions.markSent(q, now);
      // §10.4: an SRV asked for DOUBT_AFTER_QUERIES times in vain puts the
      // PTRs that named its instance in doubt.
      if (
        q.type === RecordType.SRV && q.sent === DOUBT_AFTER_QUERIES &&
        this.#cache.lookup(q.name, RecordType.SRV, { now }).length === 0
      ) this.#reconfirms.doubt(q.name);
    }
    this.#reconfirms.run(
      now,
      (iface, name, type, leaveOut) =>
        outbox.add(iface, name, type, false, now, leaveOut === "all" ? false : leaveOut),
    );
    this.#refreshes.run(
      now,
      outbox,
      new Set(links.map((l) => l.name)),
      (name, type, iface, at) => this.#others.askedByOthers(name, type, iface, at),
    );
    outbox.send(links, now);
    // A question whose Known-Answer list filled many packets waits longer
    // before its next query (QUESTION_PACKET_BURST).
    for (const q of due) this.#questions.spend(q, outbox.packetsSent(q.name, q.type), now);
    this.#others.prune(now);
  }

  /**
   * A query from another host: duplicate question suppression (§7.3) and
   * POOF (§10.5) learn only from the QM questions of a query whose answers
   * everyone will hear ({@linkcode answeredInTheOpen}).
   */
  onQuery(reader: MessageReader, datagram: Datagram): void {
    if (this.#others.heard(reader, datagram, this.#ctx.clock.now())) this.#ctx.wake();
  }

  /** A unicast response: did we ask for it by QU (or unicast) in the last 2 s (RFC 6762 §6)? */
  expectsUnicast(reader: MessageReader, datagram: Datagram): boolean {
    return this.#unicastAsked.expects(reader, datagram, this.#ctx.clock.now());
  }

  /**
   * The stack finished a packet, a link event or a timer run: bring browses
   * and lookups up to date with what it changed, once.
   */
  settle(): void {
    this.#updates.update();
  }

  /**
   * A link came up, appeared, or gained an address: ask again soon (RFC 6762
   * §8.3 spirit; mDNSResponder restarts its questions when an interface
   * registers). Without FFI Deno shows a link bounce only as `link-changed`
   * (IPv6 addresses going, then coming back), so a new address counts as the
   * link coming back: the network behind it may have changed while it was
   * away, and the back-off of an hour-old question would otherwise wait up
   * to an hour. An address that only goes teaches nothing new: no restart.
   */
  onLinkEvent(event: LinkEvent): void {
    if (
      event.type === "link-up" || event.type === "link-added" ||
      (event.type === "link-changed" && gainedAddress(event.previous, event.link))
    ) {
      this.#questions.restart(this.#ctx.clock.now());
      this.#ctx.wake();
    }
    // Our own services are shown on every link we are on.
    if (this.#host.local !== undefined) this.#localChanged();
  }

  /** Ends every browse ("closed") and rejects pending lookups; sends nothing. */
  close(): Promise<void> {
    this.#closed = true;
    this.#unsubscribeClear();
    this.#unsubscribeLocal();
    for (const b of [...this.#browsers]) b.end("closed");
    this.#lookups.close();
    return Promise.resolve();
  }

  // ---- internals ----------------------------------------------------------

  // Something we publish changed (added, registered, removed): browses read
  // the local cache again and waiting lookups check it, after this task.
  #localChanged(): void {
    for (const session of this.#localSessions) session.localChanged();
    this.#lookups.recheck();
  }
}

/** True when `after` has an address `before` did not. */
function gainedAddress(before: NetworkLink, after: NetworkLink): boolean {
  const had = new Set([...before.ipv4, ...before.ipv6]);
  return [...after.ipv4, ...after.ipv6].some((address) => !had.has(address));
}
