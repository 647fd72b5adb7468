# What the tests, bin/cluster-check and bin/upgrade-check need on the machine, in one place (sourced by bin/test
# and .ci/run). Every entry: a name, the Debian package that provides it, and the check that it is there.
#   prereqs_ensure   installs what is missing when root with apt-get (one apt-get update first), else prints ONE
#                    line naming what to install and returns 1: never a silent skip.
#   postgres_ensure  starts the local PostgreSQL (127.0.0.1:5432) unless FLAMINGO_TEST_DATABASE_URL is set, and
#                    checks that user postgres gets in without a password (what the tests use).
# Messages are prefixed with the calling script's name.

prereqs_me=${prereqs_me:-$(basename "$0")}

# name|debian package|why (kept short; the check is in prereq_present)
PREREQS=(
  "java17|openjdk-17-jdk-headless|javac and java 17 or newer: the build"
  "mvn|maven|the build"
  "psql|postgresql-client|psql, pg_dump, pg_restore: BackupRestoreTest, bin/backup, bin/restore"
  "postgresql|postgresql|the local test database server (unless FLAMINGO_TEST_DATABASE_URL is set)"
  "openssl|openssl|bin/cluster-certs: the cluster tests"
  "jq|jq|bin/backup and bin/restore read FLAMINGO_CONFIG_FILE"
  "curl|curl|bin/cluster-check, bin/upgrade-check"
  "nginx|nginx-light|NginxProxyTest runs deploy/nginx.conf"
  "chromium|chromium|BrowserFlowTest"
  "chromedriver|chromium-driver|BrowserFlowTest"
  "podman|podman|Testcontainers (through Podman's Docker API), bin/base-images, bin/cluster-check"
  "runc|runc|Podman's runtime on cgroups v1 (bin/lib/podman.sh)"
  "docker-compose|docker-compose|ComposeFileTest, bin/cluster-check"
  "mmdebstrap|mmdebstrap|bin/base-images"
  "python3|python3|bin/cluster-check, bin/upgrade-check"
)

# prereq_present NAME: is it usable here?
prereq_present() {
  case "$1" in
    java17)
      local v
      v=$(javac -version 2>&1 | sed -n 's/^javac \([0-9]*\).*/\1/p') || true
      [ -n "$v" ] && [ "$v" -ge 17 ] && command -v java >/dev/null 2>&1 ;;
    psql) command -v psql >/dev/null 2>&1 && command -v pg_dump >/dev/null 2>&1 \
            && command -v pg_restore >/dev/null 2>&1 && command -v pg_isready >/dev/null 2>&1 ;;
    postgresql)
      [ -n "${FLAMINGO_TEST_DATABASE_URL:-}" ] && return 0
      command -v pg_ctlcluster >/dev/null 2>&1 && compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null ;;
    nginx) [ -x /usr/sbin/nginx ] ;;
    chromium) [ -x /usr/bin/chromium ] ;;
    chromedriver) [ -x /usr/bin/chromedriver ] ;;
    runc)
      # only needed where crun refuses (cgroups v1); see bin/lib/podman.sh
      [ "$(stat -fc %T /sys/fs/cgroup 2>/dev/null)" = "cgroup2fs" ] || command -v runc >/dev/null 2>&1 ;;
    docker-compose) command -v docker-compose >/dev/null 2>&1 || docker compose version >/dev/null 2>&1 ;;
    *) command -v "$1" >/dev/null 2>&1 ;;
  esac
}

# prereqs_missing: sets missing_names and missing_packages (arrays) to what is not there.
prereqs_missing() {
  missing_names=()
  missing_packages=()
  local entry name package
  for entry in "${PREREQS[@]}"; do
    name=${entry%%|*}
    package=${entry#*|}
    package=${package%%|*}
    if ! prereq_present "$name"; then
      missing_names+=("$name")
      missing_packages+=("$package")
    fi
  done
}

prereqs_ensure() {
  prereqs_missing
  [ ${#missing_names[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "$prereqs_me: installing ${missing_packages[*]}"
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing_packages[@]}" >/dev/null
    prereqs_missing
    [ ${#missing_names[@]} -eq 0 ] && return 0
    echo "$prereqs_me: still missing after apt-get install: ${missing_names[*]} (packages ${missing_packages[*]})" >&2
    return 1
  fi
  echo "$prereqs_me: missing ${missing_names[*]}: install them first (as root: apt-get install ${missing_packages[*]})" >&2
  return 1
}

postgres_ensure() {
  if [ -n "${FLAMINGO_TEST_DATABASE_URL:-}" ]; then
    echo "$prereqs_me: test databases on FLAMINGO_TEST_DATABASE_URL (the local PostgreSQL is not started)"
    return 0
  fi
  if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
    local version
    version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
    if [ -z "$version" ]; then
      echo "$prereqs_me: no PostgreSQL cluster in /etc/postgresql (as root: pg_createcluster 15 main)" >&2
      return 1
    fi
    echo "$prereqs_me: starting PostgreSQL $version/main"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    local _
    for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
  fi
  if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
    echo "$prereqs_me: PostgreSQL does not answer on 127.0.0.1:5432 (start it, or set FLAMINGO_TEST_DATABASE_URL)" >&2
    return 1
  fi
  if ! psql -w -h 127.0.0.1 -U postgres -d postgres -Atqc 'select 1' >/dev/null 2>&1; then
    echo "$prereqs_me: user postgres cannot connect to 127.0.0.1:5432 without a password (allow 'trust' for 127.0.0.1 in pg_hba.conf, or set FLAMINGO_TEST_DATABASE_URL)" >&2
    return 1
  fi
}
