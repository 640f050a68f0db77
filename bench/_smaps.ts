/**
 * Where a process's resident memory is, from /proc/PID/smaps (Linux), by the
 * kind of mapping that holds it, so a bench can tell V8's heap from glibc's
 * and from the binary: `brk` (`[heap]`: glibc's main arena), `arena` (an
 * anonymous read-write mapping followed at once by an inaccessible one that
 * together fill 64 MiB aligned on 64 MiB: a glibc arena of another thread,
 * HEAP_MAX_SIZE on 64-bit), `anon` (every other anonymous mapping: V8's heap
 * pages and large malloc blocks served by mmap among them), `file` (the binary
 * and libraries), `stack`. Reading another process's smaps needs no
 * cooperation from it.
 *
 * @module
 */

/** Resident kB of a process by kind of mapping, and how many arenas hold any. */
export interface SmapsBreakdown {
  /** kB resident by kind: brk, arena, anon, file, stack. */
  readonly kb: Record<"brk" | "arena" | "anon" | "file" | "stack", number>;
  /** glibc thread arenas with a resident page. */
  readonly arenas: number;
}

interface Mapping {
  start: bigint;
  end: bigint;
  perms: string;
  name: string;
  rssKb: number;
}

const ARENA_BYTES = 64n * 1024n * 1024n;

/** Reads `pid`'s smaps now. */
export function smaps(pid: number): SmapsBreakdown {
  const text = Deno.readTextFileSync(`/proc/${pid}/smaps`);
  const mappings: Mapping[] = [];
  for (const line of text.split("\n")) {
    const head = line.match(/^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$/);
    if (head !== null) {
      mappings.push({
        start: BigInt(`0x${head[1]}`),
        end: BigInt(`0x${head[2]}`),
        perms: head[3],
        name: head[4],
        rssKb: 0,
      });
      continue;
    }
    const rss = line.match(/^Rss:\s+(\d+) kB/);
    if (rss !== null) mappings[mappings.length - 1].rssKb = Number(rss[1]);
  }
  const kb = { brk: 0, arena: 0, anon: 0, file: 0, stack: 0 };
  let arenas = 0;
  for (let i = 0; i < mappings.length; i++) {
    const m = mappings[i];
    if (m.name === "[heap]") kb.brk += m.rssKb;
    else if (m.name.startsWith("[stack")) kb.stack += m.rssKb;
    else if (m.name !== "" && !m.name.startsWith("[")) kb.file += m.rssKb;
    else if (m.name !== "") continue; // vdso, vvar
    else {
      const next = mappings[i + 1];
      const isArena = m.perms.startsWith("rw") && m.start % ARENA_BYTES === 0n &&
        ((next !== undefined && next.start === m.end && next.perms.startsWith("---") &&
          next.name === "" && next.end - m.start === ARENA_BYTES) ||
          m.end - m.start === ARENA_BYTES);
      if (isArena) {
        kb.arena += m.rssKb;
        if (m.rssKb > 0) arenas++;
      } else kb.anon += m.rssKb;
    }
  }
  return { kb, arenas };
}
