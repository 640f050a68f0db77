/**
 * Drives every claim's runs: sends the probes due (RFC 6762 §8.1: an ANY
 * question per name, the first with the QU bit, every proposed record in the
 * Authority section without the cache-flush bit), declares a name ours 250 ms
 * after the third probe, sends the announcements due (§8.3), and handles lost
 * conflicts (§9: an established name probes again; a name still probing is
 * renamed, with the §8.1 back-off) and link events (§8: probe and announce on
 * a link that appears; follow address changes, §8.4).
 *
 * Several claims due at the same moment share packets per link, packed by
 * name: a packet carries each of its names whole (question and proposed
 * records), however many names are due (`buildProbePackets`). Names that
 * begin probing within one probe interval are made due at the same moments
 * (`PublishRegistry.probeDelay`), so they share one probe series and then
 * one announcement series; announcements carry the host's addresses as
 * additionals for services announced after their host (RFC 6763 §12.2).
 *
 * @module
 */

import { nameKey, RecordType } from "../codec/mod.ts";
import type { LocalRecord } from "../cache/local_record.ts";
import type { LinkEvent, PartContext } from "../stack_part.ts";
import type { NetworkLink } from "../transport/transport.ts";
import {
  ANNOUNCE_COUNT,
  ANNOUNCE_INTERVAL_MS,
  type ClaimRun,
  PROBE_COUNT,
  PROBE_INTERVAL_MS,
  PROBE_WAIT_MAX_MS,
} from "./_claim.ts";
import type { ClaimEntry } from "./_entry.ts";
import { linkFamilies } from "./_host_addresses.ts";
import type { ProbeName } from "./_packets.ts";
import type { PublishRegistry } from "./_registry.ts";
import type { Sender } from "./_sender.ts";
import { ServiceEntry } from "./_service_entry.ts";
import { additionalRecords } from "./_answer_planner.ts";

const CLASS_IN = 1;

interface ProbeBatch {
  link: NetworkLink;
  names: ProbeName[];
  /** The run each name's probe belongs to: a name that could not be sent does not count. */
  runs: Map<ProbeName, ClaimRun>;
}

/**
 * Runs the claims of a registry.
 */
export class ClaimDriver {
  #registry: PublishRegistry;
  #sender: Sender;
  #ctx: PartContext;

  /** Drives `registry`'s claims, sending through `sender`. */
  constructor(registry: PublishRegistry, sender: Sender, context: PartContext) {
    this.#registry = registry;
    this.#sender = sender;
    this.#ctx = context;
  }

  /** Sends the probes and announcements due at `now`. */
  run(now: number): void {
    const probes = new Map<string, ProbeBatch>();
    const announcements = new Map<string, { link: NetworkLink; records: Set<LocalRecord> }>();
    const announcing = new Set<ClaimEntry>();
    for (const entry of this.#registry.entries()) {
      for (const run of [...entry.claim.runs]) {
        if (run.at > now || !entry.claim.runs.includes(run)) continue;
        if (run.phase === "probing") this.#probeStep(entry, run, now, probes);
        // A probe run that just succeeded is now an announcing run due now.
      }
      for (const run of [...entry.claim.runs]) {
        if (run.at > now || run.phase !== "announcing") continue;
        for (const link of this.#links(entry, run)) {
          let batch = announcements.get(link.name);
          if (batch === undefined) {
            announcements.set(link.name, batch = { link, records: new Set() });
          }
          for (const r of entry.records(link.name)) {
            if (!this.#registry.visible(r, link.name)) continue;
            if (run.all || r.state === "announcing") batch.records.add(r);
          }
        }
        run.step++;
        announcing.add(entry);
        if (run.step >= ANNOUNCE_COUNT) {
          entry.claim.runs.splice(entry.claim.runs.indexOf(run), 1);
          entry.announced();
        } else run.at = now + ANNOUNCE_INTERVAL_MS * 2 ** (run.step - 1);
      }
    }
    for (const { link, names, runs } of probes.values()) {
      // Packed by name: each packet carries whole names (§8.2.1 compares whole sets).
      for (const failed of this.#sender.probe(link, names)) {
        const run = runs.get(failed)!;
        if (run.step > 0 && run.phase === "probing") run.step--; // not probed: never announced
      }
    }
    for (const { link, records } of announcements.values()) {
      const answers = [...records];
      // A service announced after its host carries the host's addresses (and
      // NSEC) as additionals, as its answers do (RFC 6763 §12.2; §8.3 allows
      // them), so a browser of its type need not ask for them.
      const local = this.#registry.localCache;
      const extra = additionalRecords(answers, local, link.name, this.#registry.visible);
      this.#sender.announce(link, answers, now, extra);
    }
    // After the packets: a TXT update's promise resolves once it is on the wire.
    for (const entry of announcing) entry.announcementSent?.();
  }

  /** A claimed name (key) lost a conflict (RFC 6762 §9, §8.1). */
  conflict(key: string, now: number): void {
    const entry = this.#registry.byKey(key);
    if (entry === undefined) return;
    const claim = entry.claim;
    claim.limiter.record(now);
    for (const e of this.#affected(entry)) e.conflicted();
    if (claim.established) {
      // §9: "immediately reset ... to probing state", the same name first.
      for (const link of entry.links()) {
        for (const r of entry.records(link.name)) {
          if (r.unique && nameKey(r.name) === key) r.setState("probing");
        }
      }
      claim.startProbing(now, 0);
      return;
    }
    if (entry instanceof ServiceEntry && entry.spec.rename === false) {
      this.#registry.withdrawConflicted(entry); // §9: the loser ceases using the name
      return;
    }
    entry.rename(now);
    // The new name joins a series under way (its names are not restarted),
    // unless the §8.1 back-off holds it.
    const backOff = claim.limiter.delay(now);
    claim.startProbing(
      now,
      backOff > 0 ? backOff + this.#jitter() : this.#registry.probeDelay(now, claim),
    );
  }

  /** Follows a link event. */
  linkEvent(event: LinkEvent, now: number): void {
    const link = event.link;
    // A link that had no address could not be heard: it is new to the network
    // (§8). So is a family that comes back to it: Deno without FFI shows a link
    // bounce only as the IPv6 addresses going and coming back, and §8.3/§13
    // want every name probed and announced again on a link that comes up.
    const type = event.type === "link-changed" && gainsFamily(event.previous, link)
      ? "link-added"
      : event.type;
    switch (type) {
      case "link-added":
      case "link-up": {
        for (const host of this.#registry.hosts()) host.syncLink(link);
        const only = new Set([link.name]);
        const delay = this.#jitter(); // one start for every name: they share the probes
        for (const entry of this.#registry.entries()) {
          if (!entry.links().some((l) => l.name === link.name)) continue;
          entry.claim.startOnLinks(now, delay, only);
        }
        break;
      }
      case "link-removed":
      case "link-down":
        for (const host of this.#registry.hosts()) host.dropLink(link.name);
        for (const entry of this.#registry.entries()) {
          entry.claim.runs = entry.claim.runs.filter((r) =>
            r.links === undefined || !r.links.has(link.name) || r.links.size > 1
          );
        }
        break;
      case "link-changed":
        for (const host of this.#registry.hosts()) {
          // Goodbyes over the families the link had before the change too.
          const previous = event.type === "link-changed" ? event.previous : undefined;
          if (!host.syncLink(link, previous) || !host.claim.established) continue;
          // §8.4 and §10.2: announce the whole address set of that link again.
          host.claim.runs.push({
            phase: "announcing",
            step: 0,
            at: now,
            all: true,
            links: new Set([link.name]),
          });
        }
        break;
    }
  }

  #probeStep(
    entry: ClaimEntry,
    run: ClaimRun,
    now: number,
    probes: Map<string, ProbeBatch>,
  ): void {
    const claim = entry.claim;
    if (run.step >= PROBE_COUNT) {
      // §8.1: 250 ms after the third probe with no conflict, the name is ours.
      if (run.links === undefined) claim.established = true;
      entry.probed(now, run.links);
      run.phase = "announcing";
      run.step = 0;
      return;
    }
    for (const link of this.#links(entry, run)) {
      let batch = probes.get(link.name);
      if (batch === undefined) {
        probes.set(link.name, batch = { link, names: [], runs: new Map() });
      }
      const name: ProbeName = {
        question: {
          name: claim.name,
          type: RecordType.ANY,
          class: CLASS_IN,
          unicastResponse: run.step === 0,
        },
        // BCT: proposed records never carry the cache-flush bit.
        authorities: entry.proposed(link.name).map((r) => ({ ...r.record, cacheFlush: false })),
      };
      batch.names.push(name);
      batch.runs.set(name, run);
    }
    run.step++;
    run.at = now + PROBE_INTERVAL_MS;
  }

  #links(entry: ClaimEntry, run: ClaimRun): NetworkLink[] {
    const links = entry.links();
    return run.links === undefined ? links : links.filter((l) => run.links!.has(l.name));
  }

  /** The entries whose events a conflict on `entry` concerns: itself, or a host's services. */
  #affected(entry: ClaimEntry): ClaimEntry[] {
    if (entry.claim.kind === "service") return [entry];
    return this.#registry.entries().filter((e) => e instanceof ServiceEntry && e.host === entry);
  }

  #jitter(): number {
    return Math.floor(this.#ctx.random() * PROBE_WAIT_MAX_MS);
  }
}

/** True when `now` has an address family `before` had none of. */
function gainsFamily(before: NetworkLink, now: NetworkLink): boolean {
  const had = linkFamilies(before);
  return linkFamilies(now).some((f) => !had.includes(f));
}
