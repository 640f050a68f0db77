/**
 * The handle `publish()` resolves to.
 *
 * @module
 */

import type { TxtInput } from "../dnssd/txt.ts";
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
    return this.#entry.spec.instance;
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

  /**
   * Replaces the TXT and re-announces it (RFC 6762 §8.4).
   *
   * @throws {TypeError} When unpublished or the TXT is malformed.
   * @throws {RangeError} When a TXT string is over 255 bytes.
   */
  updateTxt(txt: TxtInput): void {
    if (this.#entry.removed) {
      throw new TypeError(`Cannot update TXT of "${this.name}": unpublished`);
    }
    this.#entry.updateTxt(txt);
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
