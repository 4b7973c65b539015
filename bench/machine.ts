import fs from 'node:fs';
import os from 'node:os';

/**
 * Other processes on this shared 2-core machine (test runs, builds) skew every figure, so each
 * section reports how much of the machine was used by processes that are neither this bench
 * nor the server's process group. Linux only (/proc); elsewhere the share reads as n/a.
 */
interface CpuSample {
  at: number;
  machineBusyMs: number;
  /** This bench process (client side, in-process crypto). */
  ownMs: number;
  /** The watched process groups (the server). */
  groupMs: number;
}

/** CPU ms of every process in the given process groups (the server child runs in its own group). */
function groupCpuMs(groups: readonly number[]): number {
  if (groups.length === 0) return 0;
  let ticks = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Fields after the ")" of the command name: state ppid pgrp ... utime(14) stime(15).
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (groups.includes(Number(fields[2]))) ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      /* the process ended meanwhile */
    }
  }
  return ticks * 10; // USER_HZ is 100 on Linux
}

function sample(groups: readonly number[]): CpuSample {
  const machineBusyMs = os.cpus().reduce((sum, cpu) => sum + cpu.times.user + cpu.times.nice + cpu.times.sys + cpu.times.irq, 0);
  const own = process.cpuUsage();
  return { at: performance.now(), machineBusyMs, ownMs: (own.user + own.system) / 1000, groupMs: groupCpuMs(groups) };
}

/** Shares (0..1) of the machine's capacity (all cores) since the monitor started. */
export interface CpuShares {
  bench: number;
  server: number;
  other: number;
}

export interface CpuMonitor {
  shares(): CpuShares;
  /** Share used by processes that are neither the bench nor the server. */
  foreignShare(): number;
}

export function startCpuMonitor(groups: () => readonly number[] = () => []): CpuMonitor {
  if (process.platform !== 'linux') {
    const none = { bench: Number.NaN, server: Number.NaN, other: Number.NaN };
    return { shares: () => none, foreignShare: () => Number.NaN };
  }
  const first = sample(groups());
  const shares = (): CpuShares => {
    const last = sample(groups());
    const capacityMs = (last.at - first.at) * os.cpus().length;
    const bench = (last.ownMs - first.ownMs) / capacityMs;
    const server = Math.max(0, (last.groupMs - first.groupMs) / capacityMs);
    const other = Math.max(0, (last.machineBusyMs - first.machineBusyMs) / capacityMs - bench - server);
    return { bench, server, other };
  };
  return { shares, foreignShare: () => shares().other };
}

/** Samples one second of an idle bench: how busy the machine is before anything is measured. */
export async function idleForeignShare(): Promise<number> {
  const monitor = startCpuMonitor();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  return monitor.foreignShare();
}
