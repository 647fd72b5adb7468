# Podman on this kind of machine (sourced by bin/base-images and the container checks): no systemd, cgroups
# v1 (crun refuses "hybrid mode"; runc works) and hard limits of nofile 20000 / nproc 4096, which every
# container must stay within. Written once as a containers.conf drop-in, so that `podman build`, `podman run`
# and Podman's Docker-compatible socket (used by docker-compose and Testcontainers) all get them.
podman_configure() {
  local dropin=/etc/containers/containers.conf.d/50-flamingo.conf
  [ -f "$dropin" ] && return 0
  [ "$(id -u)" = "0" ] || { echo "podman: run as root once to write $dropin" >&2; return 2; }
  mkdir -p "$(dirname "$dropin")"
  local runtime=""
  if command -v runc >/dev/null 2>&1 && [ "$(stat -fc %T /sys/fs/cgroup)" != "cgroup2fs" ]; then
    runtime='runtime = "runc"'
  fi
  cat > "$dropin" <<CONF
# written by Flamingo's bin/lib/podman.sh
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=4096:4096"]
[engine]
$runtime
CONF
}
