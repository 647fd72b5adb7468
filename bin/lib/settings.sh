# Sourced by bin/backup and bin/restore. Reads settings as the server does (common ConfigLoader): the
# environment wins, then the JSON file named by FLAMINGO_CONFIG_FILE, then the default. Also splits the
# database URL so that its password travels in PGPASSWORD, never on a command line.

flamingo_config_file=${FLAMINGO_CONFIG_FILE:-}
if [ -n "$flamingo_config_file" ]; then
  if [ ! -r "$flamingo_config_file" ]; then
    echo "$(basename "$0"): config file $flamingo_config_file (from FLAMINGO_CONFIG_FILE) is not readable" >&2
    exit 1
  fi
  if ! command -v jq >/dev/null; then
    echo "$(basename "$0"): reading FLAMINGO_CONFIG_FILE needs jq (apt-get install jq)" >&2
    exit 1
  fi
  if ! jq -e 'type == "object"' "$flamingo_config_file" >/dev/null 2>&1; then
    echo "$(basename "$0"): $flamingo_config_file (from FLAMINGO_CONFIG_FILE) is not a JSON object" >&2
    exit 1
  fi
fi

# setting NAME [DEFAULT]: the value of NAME from the environment, else the config file, else DEFAULT.
setting() {
  local name=$1 default=${2:-} value=${!1:-}
  if [ -z "$value" ] && [ -n "$flamingo_config_file" ]; then
    value=$(jq -r --arg k "$name" '.[$k] // empty | tostring' "$flamingo_config_file")
  fi
  value=$(printf '%s' "$value" | sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//')
  printf '%s' "${value:-$default}"
}

urldecode() {
  local s=${1//\\/\\\\}
  printf '%b' "${s//%/\\x}"
}

# db_connect URL: sets db_url to URL without any password and exports PGPASSWORD with it (if any), with
# FLAMINGO_DB_USER / FLAMINGO_DB_PASSWORD in place of the URL's user and password when set (as the server does).
# A URL the server cannot read either (a raw /, @ or # in the password) stops here in one line, exit 2.
db_connect() {
  local url=$1 scheme rest authority path query="" kept="" param user password
  scheme=${url%%://*}
  rest=${url#*://}
  if [[ "$url" == *'#'* ]] || { [[ "$rest" == *@* ]] && [[ "${rest%@*}" == *[/?@]* || "${rest%@*}" == *:*:* ]]; }; then
    echo "$(basename "$0"): FLAMINGO_DB_URL cannot be read as postgresql://user:password@host:port/database:" \
      "percent-encode any /, @, #, : or % in the password (%2F, %40, %23, %3A, %25), or set the password in" \
      "FLAMINGO_DB_PASSWORD instead (value not shown: it may hold a password)" >&2
    exit 2
  fi
  authority=${rest%%[/?]*}
  path=${rest#"$authority"}
  if [[ "$path" == *\?* ]]; then
    query=${path#*\?}
    path=${path%%\?*}
  fi
  if [[ "$authority" == *@* ]]; then
    local userinfo=${authority%@*} hostport=${authority##*@}
    if [[ "$userinfo" == *:* ]]; then
      PGPASSWORD=$(urldecode "${userinfo#*:}")
      export PGPASSWORD
      userinfo=${userinfo%%:*}
    fi
    authority="$userinfo@$hostport"
  fi
  if [ -n "$query" ]; then
    local IFS='&'
    for param in $query; do
      if [[ "$param" == password=* ]]; then
        PGPASSWORD=$(urldecode "${param#password=}")
        export PGPASSWORD
      else
        kept="${kept:+$kept&}$param"
      fi
    done
  fi
  user=$(setting FLAMINGO_DB_USER)
  if [ -n "$user" ]; then
    authority="$user@${authority##*@}"
  fi
  password=${FLAMINGO_DB_PASSWORD:-}
  if [ -z "$password" ] && [ -n "$flamingo_config_file" ]; then
    password=$(jq -r '.FLAMINGO_DB_PASSWORD // empty | tostring' "$flamingo_config_file")
  fi
  if [ -n "$password" ]; then
    PGPASSWORD=$password
    export PGPASSWORD
  fi
  db_url="$scheme://$authority$path${kept:+?$kept}"
}
