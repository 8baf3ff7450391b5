#!/usr/bin/env bash
# Installs the Debian packages the test suite needs, only those missing. Safe to run repeatedly.
set -uo pipefail
need=()
command -v zstd >/dev/null || need+=(zstd)
# rsync: the daemon bench:transfer compares against (127.0.0.1 only).
command -v rsync >/dev/null || need+=(rsync)
# The relay's NAT test (test/net/relay-nat.test.ts) builds network namespaces with masquerading routers:
# ip (iproute2), iptables (nftables as the other way), tc for the netem delay in bench:relay.
command -v ip >/dev/null || need+=(iproute2)
command -v iptables >/dev/null || need+=(iptables)
command -v nft >/dev/null || need+=(nftables)
# test/net/nat-upnp.test.ts: a home router with UPnP IGD / NAT-PMP (run inside a namespace, never as a service).
command -v miniupnpd >/dev/null || need+=(miniupnpd)
# Debian's Chromium: the renderer's end-to-end tests and the scheduler's WGSL-in-Chromium equivalence test
# (Playwright drives /usr/bin/chromium; it cannot download its own browsers here).
[ -x /usr/bin/chromium ] || need+=(chromium)
# WebGPU for the scheduler's CPU-vs-WGSL tests: Dawn (npm `webgpu`) on OpenGL ES over Mesa llvmpipe, headless
# (EGL_PLATFORM=surfaceless). libegl-dev provides the unversioned libEGL.so that Dawn opens.
for p in libegl1 libegl-mesa0 libgl1-mesa-dri libegl-dev; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo -n"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}"
fi
