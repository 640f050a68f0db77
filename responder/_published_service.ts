/**
 * The handle `publish()` resolves to.
 *
 * @module
 */

import { parseServiceType } from "../dnssd/service_name.ts";
import { TxtAttributes, type TxtInput } from "../dnssd/txt.ts";
import type { ServiceEntry } from "./_service_entry.ts";
import type { PublishedService, PublishEvent } from "./publish_options.ts";

/**
 * A {@linkcode PublishedService} over a service entry.
 */
export class PublishedServiceHandle implements PublishedService {
  #entry: ServiceEntry;
  #unpublish: () => void;

  /** Wraps `entry`; `unpublish` withdraws it. */
  constructor(entry: ServiceEntry, unpublish: () => void) {
    this.#entry = entry;
    this.#unpublish = unpublish;
  }

  /** Instance label held now. */
  get name(): string {
    return this.#entry.spec.name;
  }
  /** Full instance name. */
  get fullName(): string {
    return this.#entry.claim.name;
  }
  /** Service type without domain. */
  get type(): string {
    const svc = this.#entry.service;
    return svc?.type ?? this.#entry.spec.type;
  }
  /** SRV target. */
  get host(): string {
    return this.#entry.host.name;
  }
  /** Port. */
  get port(): number {
    return this.#entry.spec.port;
  }

  /** Domain, `local`. */
  get domain(): string {
    return this.#entry.service?.domain ?? parseServiceType(this.#entry.spec.type).domain;
  }
  /** Subtype labels. */
  get subtypes(): readonly string[] {
    return this.#entry.spec.subtypes;
  }
  /** The TXT held now. */
  get txt(): TxtAttributes {
    return this.#entry.service?.txt ?? TxtAttributes.from(this.#entry.spec.txt);
  }

  /**
   * Replaces the TXT and re-announces it (RFC 6762 §8.4); resolves once the
   * announcement went out. Every failure rejects: `TypeError` when
   * unpublished or malformed, `RangeError` when out of range.
   */
  updateTxt(txt: TxtInput): Promise<void> {
    try {
      if (this.#entry.removed) {
        throw new TypeError(`Cannot update TXT of "${this.name}": unpublished`);
      }
      return this.#entry.updateTxt(txt);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: (event: PublishEvent) => void): () => void {
    this.#entry.listeners.add(listener);
    return () => this.#entry.listeners.delete(listener);
  }

  /** Sends goodbyes and stops answering; idempotent. */
  unpublish(): Promise<void> {
    this.#unpublish();
    return Promise.resolve();
  }

  /** Same as {@linkcode PublishedServiceHandle.unpublish}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.unpublish();
  }
}
