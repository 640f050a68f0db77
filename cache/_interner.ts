/**
 * The refcounted name table of a cache: NetX Duo's string table, in which a
 * string that many records share is stored once, with a counter, and freed when
 * the last record lets go of it.
 *
 * Names are filed under their {@linkcode nameKey} (ASCII letters lowered, RFC
 * 6762 §16), so `Printer.local` and `printer.local` are one entry; the entry
 * keeps the case first seen, for display.
 *
 * Byte accounting: an entry costs `entryOverheadBytes` (default
 * {@linkcode NAME_ENTRY_OVERHEAD_BYTES}: the entry object and its slot in the
 * table's `Map`) plus {@linkcode stringBytes} of the name, and of the key too
 * when it differs (a name with capitals): a 16-byte header and the characters,
 * one byte each when all are Latin-1 and two otherwise, as V8 lays them out.
 * The table keeps flat copies of the strings so that this is what they take.
 *
 * @module
 */

import { nameKey } from "../codec/mod.ts";
import { flatString } from "./_rdata_key.ts";

/**
 * Bytes an entry costs besides its strings: the entry object (56) and its `Map` slot (about
 * 40).
 */
export const NAME_ENTRY_OVERHEAD_BYTES = 96;

/**
 * Bytes V8 uses for a flat string: a 16-byte header, then one byte per
 * character when every character is Latin-1 (up to U+00FF) and two otherwise,
 * rounded up to 8 bytes.
 */
export function stringBytes(text: string): number {
  let width = 1;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0xff) {
      width = 2;
      break;
    }
  }
  return 16 + ((text.length * width + 7) & ~7);
}

/**
 * One interned name as callers see it.
 */
export interface InternedName {
  /** The name in presentation form, in the case first seen. */
  readonly name: string;
  /** The lookup key, {@linkcode nameKey} of the name. */
  readonly key: string;
  /** How many holders have acquired it and not released it. */
  readonly refs: number;
  /** Bytes it is counted as. */
  readonly bytes: number;
}

let adjustRefs: (entry: NameEntry, delta: number) => number;

/**
 * The entry class the interner stores. Caches extend it to hang their
 * per-name index on the same object, so one `Map` lookup finds both the name
 * and its records.
 */
export class NameEntry implements InternedName {
  /** The name in the case first seen. */
  readonly name: string;
  /** The lookup key. */
  readonly key: string;
  /** Bytes counted for it. */
  readonly bytes: number;
  #refs = 0;

  static {
    adjustRefs = (entry, delta) => (entry.#refs += delta);
  }

  /** Made by the interner (through its `create` option); not by hand. */
  constructor(name: string, key: string, bytes: number) {
    this.name = name;
    this.key = key;
    this.bytes = bytes;
  }

  /** Holders that have acquired it and not released it. */
  get refs(): number {
    return this.#refs;
  }
}

/**
 * Options for {@linkcode NameInterner}.
 */
export interface NameInternerOptions<T extends NameEntry> {
  /** Builds an entry; defaults to a plain {@linkcode NameEntry}. */
  create?: (name: string, key: string, bytes: number) => T;
  /** Fixed bytes per entry. @default {96} */
  entryOverheadBytes?: number;
}

/**
 * A refcounted, case-insensitive table of names.
 */
export class NameInterner<T extends NameEntry = NameEntry> implements Iterable<T> {
  #entries = new Map<string, T>();
  #bytes = 0;
  #create: (name: string, key: string, bytes: number) => T;
  #overhead: number;

  /** Creates an empty table. */
  constructor(options?: NameInternerOptions<T>) {
    this.#create = options?.create ??
      ((name, key, bytes) => new NameEntry(name, key, bytes) as T);
    this.#overhead = options?.entryOverheadBytes ?? NAME_ENTRY_OVERHEAD_BYTES;
  }

  /** Number of distinct names held. */
  get size(): number {
    return this.#entries.size;
  }

  /** Bytes counted for every entry held. */
  get bytes(): number {
    return this.#bytes;
  }

  /**
   * Takes a reference to `name`, adding it when new.
   *
   * @param key Its {@linkcode nameKey}, when the caller has computed it already.
   */
  acquire(name: string, key: string = nameKey(name)): T {
    const entry = this.#entries.get(key);
    if (entry === undefined) return this.add(name, key);
    adjustRefs(entry, 1);
    return entry;
  }

  /**
   * Adds a name the caller has just found absent (saving the lookup
   * {@linkcode acquire} would repeat) and takes its first reference.
   *
   * @throws {RangeError} When the name is in the table after all.
   */
  add(name: string, key: string = nameKey(name)): T {
    // Names read from packets are "cons" trees of their labels (about 150
    // bytes for a 30-character name against 48 flat): keep flat copies.
    const flat = flatString(name);
    const entry = this.#create(flat, key === name ? flat : flatString(key), this.costOf(name, key));
    if (this.#entries.has(entry.key)) {
      throw new RangeError(`Cannot add name "${name}": it is in the table already`);
    }
    this.#entries.set(entry.key, entry);
    this.#bytes += entry.bytes;
    adjustRefs(entry, 1);
    return entry;
  }

  /**
   * Takes one more reference to an entry already held (saves the lookup).
   *
   * @throws {RangeError} When the entry has left the table.
   */
  retain(entry: T): T {
    if (entry.refs <= 0) {
      throw new RangeError(`Cannot retain name "${entry.name}": it has left the table`);
    }
    adjustRefs(entry, 1);
    return entry;
  }

  /**
   * Drops one reference; the entry leaves the table with its last one.
   *
   * @returns True when the entry was removed.
   * @throws {RangeError} When the entry has no references left (a double release).
   */
  release(entry: T): boolean {
    if (entry.refs <= 0) {
      throw new RangeError(`Cannot release name "${entry.name}": it has no references`);
    }
    if (adjustRefs(entry, -1) > 0) return false;
    // An entry with references is always the one filed under its key.
    this.#entries.delete(entry.key);
    this.#bytes -= entry.bytes;
    return true;
  }

  /** The entry for `name` (any case), without taking a reference. */
  get(name: string): T | undefined {
    return this.#entries.get(nameKey(name));
  }

  /** The entry filed under `key` (already a {@linkcode nameKey}). */
  getByKey(key: string): T | undefined {
    return this.#entries.get(key);
  }

  /** Bytes a new entry for `name` would be counted as. */
  costOf(name: string, key: string = nameKey(name)): number {
    return this.#overhead + stringBytes(name) + (key === name ? 0 : stringBytes(key));
  }

  /** Forgets every entry, whatever its count. */
  clear(): void {
    for (const entry of this.#entries.values()) adjustRefs(entry, -entry.refs);
    this.#entries.clear();
    this.#bytes = 0;
  }

  /** The entries held, in insertion order. */
  [Symbol.iterator](): IterableIterator<T> {
    return this.#entries.values();
  }
}
