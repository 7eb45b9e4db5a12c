import { readFileSync } from 'node:fs';

/**
 * The host's watch on the sandbox process's resident memory, from outside it. isolated-vm caps the
 * isolate's heap, but not everything a fetcher can make the process commit (a resizable ArrayBuffer's
 * pages, a huge array's backing store filled in place): those grew the process past 1 GB under a
 * 128 MB cap. The process watches itself too, but its own check runs on an event loop the fetcher can
 * keep busy; this one samples `/proc/<pid>/status` (proc(5): `VmRSS`, the resident set now, and
 * `VmHWM`, its high-water mark) and lets the host kill the process the moment it is past the limit.
 * Where there is no `/proc` (not Linux) the watch ends at its first sample and only the process's own
 * check remains.
 */

export interface ProcessMemory {
  /** Resident set size now (`VmRSS`), in bytes. */
  rssBytes: number;
  /** The highest resident set size so far (`VmHWM`), in bytes. */
  peakRssBytes: number;
}

/** How often the host samples the sandbox process: a process committing memory at 2 GB/s gains about 20 MB between samples. */
export const MEMORY_SAMPLE_MS = 10;

/** `VmRSS` and `VmHWM` of `pid` from `/proc/<pid>/status` (kB there); undefined without /proc, or once the process is gone. */
export function readProcessMemory(pid: number): ProcessMemory | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'latin1');
  } catch {
    return undefined;
  }
  const kb = (field: string): number | undefined => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
    return match ? Number(match[1]) * 1024 : undefined;
  };
  const rssBytes = kb('VmRSS');
  if (rssBytes === undefined) return undefined; // a zombie has no memory lines
  return { rssBytes, peakRssBytes: Math.max(rssBytes, kb('VmHWM') ?? 0) };
}

export interface MemoryWatch {
  /** The process's peak resident memory as last sampled; undefined when it never could be read. */
  readonly peakRssBytes: number | undefined;
  stop(): void;
}

/**
 * Samples `pid` every `intervalMs` and calls `onOver(rssBytes)` once, the first time its resident
 * memory is above `limitBytes` (the caller kills it). Stops by itself when a sample cannot be read
 * (the process is gone, or there is no /proc); the timer never keeps the host alive.
 */
export function watchProcessMemory(pid: number, limitBytes: number, onOver: (rssBytes: number) => void, intervalMs = MEMORY_SAMPLE_MS): MemoryWatch {
  let peak: number | undefined;
  let over = false;
  const sample = (): void => {
    const memory = readProcessMemory(pid);
    if (!memory) return clearInterval(timer);
    peak = Math.max(peak ?? 0, memory.peakRssBytes);
    if (!over && memory.rssBytes > limitBytes) {
      over = true;
      onOver(memory.rssBytes);
    }
  };
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  sample();
  return {
    get peakRssBytes() {
      return peak;
    },
    stop() {
      clearInterval(timer);
    },
  };
}
