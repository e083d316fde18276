import fs from 'node:fs';

/**
 * Whether the machine was ours while measuring: CPU time of the whole machine (/proc/stat) minus
 * the CPU time of this benchmark's own processes is what everything else used meanwhile.
 */
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export interface CpuSnapshot {
  at: number;
  /** Machine-wide user, kernel and steal seconds since boot; null off Linux. */
  machine: { user: number; kernel: number; steal: number } | null;
  /** CPU seconds used so far by the benchmark's processes. */
  ours: { user: number; system: number };
}

function machineSeconds(): CpuSnapshot['machine'] {
  try {
    const [user, nice, system, , , irq, softirq, steal] = fs
      .readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    return {
      user: (user + nice) / TICKS_PER_SECOND,
      kernel: (system + irq + softirq) / TICKS_PER_SECOND,
      steal: steal / TICKS_PER_SECOND,
    };
  } catch {
    return null;
  }
}

export async function snapshot(children: (() => Promise<{ user: number; system: number }>)[]): Promise<CpuSnapshot> {
  const own = process.cpuUsage();
  const theirs = await Promise.all(children.map((cpu) => cpu().catch(() => ({ user: 0, system: 0 }))));
  const all = [own, ...theirs];
  const ours = { user: all.reduce((sum, c) => sum + c.user, 0) / 1e6, system: all.reduce((sum, c) => sum + c.system, 0) / 1e6 };
  return { at: performance.now(), machine: machineSeconds(), ours };
}

export interface Interference {
  seconds: number;
  /** Average cores of user CPU used by processes outside the benchmark: the clean signal. */
  otherUserCores: number | null;
  /**
   * Average cores of kernel time not charged to the benchmark's processes: other processes'
   * system time, but also work done for us (loopback softirqs, the ext4 journal's fsyncs).
   */
  unchargedKernelCores: number | null;
  stealCores: number | null;
}

export function interference(from: CpuSnapshot, to: CpuSnapshot): Interference {
  const seconds = (to.at - from.at) / 1000;
  if (!from.machine || !to.machine || seconds <= 0) {
    return { seconds, otherUserCores: null, unchargedKernelCores: null, stealCores: null };
  }
  const user = to.machine.user - from.machine.user - (to.ours.user - from.ours.user);
  const kernel = to.machine.kernel - from.machine.kernel - (to.ours.system - from.ours.system);
  return {
    seconds,
    otherUserCores: Math.max(0, user) / seconds,
    unchargedKernelCores: Math.max(0, kernel) / seconds,
    stealCores: (to.machine.steal - from.machine.steal) / seconds,
  };
}
