# SPDX-License-Identifier: GPL-2.0-or-later
# `make bench-isolation`: how long after CRI-O or tuned rewrites
# irqbalance's environment file every movable IRQ is off the banned CPUs.
# The real daemon runs on a copy of the Debian 6.1 QEMU capture (the tree
# plays the kernel's side of each write, lib/fakekernel.c) with the default
# configuration but for a scan it will not need (interval_ms=60000); the
# file alternately bans CPUs 4-7 and 0-3 as CRI-O writes it (a hex mask),
# then lifts the ban. One process polls the IRQs' masks without sleeping,
# so the time is the daemon's: inotify, debounce_ms (20 by default), read,
# plan, writes. Prints the numbers; asserts nothing.
import os
import subprocess
import sys
import tempfile
import time

top_src = os.environ.get("AF_TOP_SRCDIR", ".")
top_build = os.environ.get("AF_TOP_BUILDDIR", top_src)
rounds = int(os.environ.get("AF_BENCH_ROUNDS", "20"))
fixture = os.path.join(top_src, "tests/fixtures/sysroots/qemu-managed-doc-example.tar.gz")
movable = [1, 4, 8, 9, 12, 24, 25, 26, 29, 30, 31, 32]  # 27, 28: managed


def cpus(text):
    out = set()
    for part in text.strip().split(","):
        if "-" in part:
            a, b = part.split("-")
            out |= set(range(int(a), int(b) + 1))
        elif part:
            out.add(int(part))
    return out


def on(root, banned):
    n = 0
    for irq in movable:
        with open("%s/proc/irq/%d/smp_affinity_list" % (root, irq)) as f:
            if cpus(f.read()) & banned:
                n += 1
    return n


def wait(cond, bound_s=10.0):
    t = time.monotonic()
    while not cond():
        if time.monotonic() - t > bound_s:
            sys.exit("bench-isolation: no reaction within %.0f s" % bound_s)
    return (time.monotonic() - t) * 1000.0


def main():
    with tempfile.TemporaryDirectory(prefix="af-bench-isolation-") as tmp:
        root = os.path.join(tmp, "root")
        os.makedirs(os.path.join(root, "etc/sysconfig"))
        subprocess.run(["tar", "-C", root, "--no-same-owner", "-xzf", fixture], check=True)
        # No boot isolation: every CPU serves IRQs until the file bans some.
        with open(os.path.join(root, "proc/cmdline"), "w") as f:
            f.write("console=ttyS0 quiet\n")
        open(os.path.join(root, "sys/devices/system/cpu/isolated"), "w").close()
        with open(os.path.join(root, "proc/irq/default_smp_affinity"), "w") as f:
            f.write("ff\n")
        env = os.path.join(root, "etc/sysconfig/irqbalance")
        with open(env, "w") as f:
            f.write('IRQBALANCE_ARGS=""\n')
        conf = os.path.join(tmp, "affinityd.conf")
        with open(conf, "w") as f:
            f.write("[daemon]\ninterval_ms=60000\nmetrics_file=\n")
        with open(os.path.join(tmp, "log"), "w") as log:
            daemon = subprocess.Popen(
                [os.path.join(top_build, "daemon/affinityd"), "--foreground", "--sysroot",
                 root, "--config", conf, "--state-dir", os.path.join(tmp, "state")],
                stdout=log, stderr=log)
            try:
                times = []
                for k in range(rounds):
                    banned = {4, 5, 6, 7} if k % 2 == 0 else {0, 1, 2, 3}
                    # Some IRQs on those CPUs first (the last ban lifted).
                    wait(lambda: on(root, banned) > 0)
                    with open(env, "w") as f:
                        f.write('IRQBALANCE_BANNED_CPUS="%08x"\n' % sum(1 << c for c in banned))
                    times.append(wait(lambda: on(root, banned) == 0))
                    with open(env, "w") as f:
                        f.write('IRQBALANCE_BANNED_CPUS=""\n')
            finally:
                daemon.terminate()
                daemon.wait()
    times.sort()
    print("irqbalance env file written -> every movable IRQ off the banned CPUs "
          "(default debounce_ms), %d rounds: min %.1f ms, median %.1f ms, max %.1f ms"
          % (len(times), times[0], times[len(times) // 2], times[-1]))


main()
