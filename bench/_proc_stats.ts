/**
 * What a bench reads about another process from /proc (Linux): CPU time,
 * resident memory, wake-ups, and the UDP receive-buffer drops of its network
 * namespace. Reading /proc needs no cooperation from the process, so avahi,
 * python-zeroconf and our stack are measured the same way.
 *
 * @module
 */

/** One reading of a process. */
export interface ProcSample {
  /** CPU time (ns) of each live thread, by thread id, from `task/<tid>/schedstat` (exact). */
  readonly threadCpuNs: ReadonlyMap<string, number>;
  /** Context switches (voluntary + involuntary) of each live thread: its wake-ups, roughly. */
  readonly threadSwitches: ReadonlyMap<string, number>;
  /** utime + stime from `stat` (ns; whole process incl. ended threads, but in 10 ms steps). */
  readonly statCpuNs: number;
  /** VmRSS (kB). */
  readonly rssKb: number;
  /** `Udp: RcvbufErrors` of its network namespace. */
  readonly rcvbufErrors: number;
}

const CLOCK_TICK_NS = 10_000_000; // USER_HZ 100

/** Reads `pid`'s figures now. */
export function sample(pid: number): ProcSample {
  const threadCpuNs = new Map<string, number>();
  const threadSwitches = new Map<string, number>();
  for (const task of Deno.readDirSync(`/proc/${pid}/task`)) {
    try {
      const schedstat = Deno.readTextFileSync(`/proc/${pid}/task/${task.name}/schedstat`);
      const status = Deno.readTextFileSync(`/proc/${pid}/task/${task.name}/status`);
      let switches = 0;
      for (const m of status.matchAll(/^(?:non)?voluntary_ctxt_switches:\s+(\d+)/gm)) {
        switches += Number(m[1]);
      }
      threadCpuNs.set(task.name, Number(schedstat.split(" ")[0]));
      threadSwitches.set(task.name, switches);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const statCpuNs = (Number(fields[11]) + Number(fields[12])) * CLOCK_TICK_NS;
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  const rssKb = Number(status.match(/^VmRSS:\s+(\d+)/m)?.[1] ?? NaN);
  const snmp = Deno.readTextFileSync(`/proc/${pid}/net/snmp`).split("\n").filter((l) =>
    l.startsWith("Udp:")
  );
  const names = snmp[0].split(/\s+/);
  const values = snmp[1].split(/\s+/);
  const rcvbufErrors = Number(values[names.indexOf("RcvbufErrors")]);
  return { threadCpuNs, threadSwitches, statCpuNs, rssKb, rcvbufErrors };
}

/**
 * CPU time and wake-ups of a process over a window, per thread so that a
 * thread ending (Deno's and tokio's pools retire idle threads) does not
 * subtract its whole history: each thread counts from its first reading (0
 * when it started in the window) to its last. {@linkcode Meter.poll} while
 * the window lasts keeps what a thread did before it ended.
 */
export class Meter {
  #pid: number;
  #first: ProcSample;
  #last = new Map<string, [number, number]>();
  #lastSample: ProcSample;

  /** Starts the window now. */
  constructor(pid: number) {
    this.#pid = pid;
    this.#first = sample(pid);
    this.#lastSample = this.#first;
    this.#record(this.#first);
  }

  /** Takes a reading (call every few hundred ms during long windows). */
  poll(): ProcSample {
    this.#lastSample = sample(this.#pid);
    this.#record(this.#lastSample);
    return this.#lastSample;
  }

  /** The reading that opened the window. */
  get first(): ProcSample {
    return this.#first;
  }

  /** CPU (ns) and context switches since the window opened, up to the last poll. */
  totals(): { cpuNs: number; switches: number } {
    let cpuNs = 0;
    let switches = 0;
    for (const [tid, [cpu, sw]] of this.#last) {
      cpuNs += cpu - (this.#first.threadCpuNs.get(tid) ?? 0);
      switches += sw - (this.#first.threadSwitches.get(tid) ?? 0);
    }
    return { cpuNs, switches };
  }

  /** CPU (ns) per thread name since the window opened, largest first. */
  byThread(): [string, number][] {
    const names = new Map<string, number>();
    for (const [tid, [cpu]] of this.#last) {
      let name = tid;
      try {
        name = Deno.readTextFileSync(`/proc/${this.#pid}/task/${tid}/comm`).trim();
      } catch {
        // ended
      }
      names.set(name, (names.get(name) ?? 0) + cpu - (this.#first.threadCpuNs.get(tid) ?? 0));
    }
    return [...names].sort((a, b) => b[1] - a[1]);
  }

  #record(s: ProcSample): void {
    for (const [tid, cpu] of s.threadCpuNs) this.#last.set(tid, [cpu, s.threadSwitches.get(tid)!]);
  }
}

/**
 * The process that does the work behind a spawned `pid`: `ip netns exec`,
 * `unshare` and `sh -c "... exec x"` exec in place, but a wrapper that forks
 * leaves the worker as its only child; follow single children until the
 * command name matches `comm` (a prefix; /proc truncates it to 15 bytes).
 */
export function workerPid(pid: number, comm: string): number {
  for (let i = 0; i < 5; i++) {
    const name = Deno.readTextFileSync(`/proc/${pid}/comm`).trim();
    if (comm.startsWith(name) || name.startsWith(comm)) return pid;
    const children = Deno.readTextFileSync(`/proc/${pid}/task/${pid}/children`).trim().split(" ")
      .filter(Boolean);
    if (children.length !== 1) break;
    pid = Number(children[0]);
  }
  throw new Error(`No process named ${comm} under pid ${pid}`);
}
