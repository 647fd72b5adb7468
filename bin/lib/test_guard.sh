# Sourced by .ci/run and bin/test: a test run that was told to leave tests out must not pass.
# tests_not_skipped [MVN_ARGS...]: returns 1 after ONE line on stderr when
#   - CI=true and a FLAMINGO_TEST_SKIP_* variable is set (RequiredTool's opt-outs are for a person's machine), or
#   - Maven is told to skip tests or to ignore their failures (-DskipTests, -Dmaven.test.skip, -DskipITs,
#     -Dmaven.test.failure.ignore, surefire/failsafe skip flags, --fail-never), in the arguments, in
#     MAVEN_OPTS or MAVEN_ARGS, or in .mvn/maven.config or .mvn/jvm.config of the current directory;
# else returns 0 and prints nothing. "-DskipTests=false" and the like are allowed.
tests_not_skipped() {
  local name where words=() line
  if [ "${CI:-}" = "true" ]; then
    while IFS='=' read -r name _; do
      case "$name" in
        FLAMINGO_TEST_SKIP_*)
          echo "refused: $name is set under CI=true: every test must run in CI (unset it)" >&2
          return 1 ;;
      esac
    done < <(env)
  fi
  _test_guard_words "the arguments" "$@" || return 1
  for where in MAVEN_OPTS MAVEN_ARGS; do
    read -r -a words <<<"${!where:-}" || true
    _test_guard_words "$where" "${words[@]}" || return 1
  done
  for where in .mvn/maven.config .mvn/jvm.config; do
    [ -f "$where" ] || continue
    while IFS= read -r line || [ -n "$line" ]; do
      read -r -a words <<<"$line" || true
      _test_guard_words "$where" "${words[@]}" || return 1
    done <"$where"
  done
  return 0
}

# _test_guard_words WHERE WORD...: the check of tests_not_skipped on one list of Maven words.
_test_guard_words() {
  local where=$1 word prop val
  shift
  while [ $# -gt 0 ]; do
    word=$1
    shift
    case "$word" in
      -fn|--fail-never)
        echo "refused: Maven is told to ignore failures ($word in $where): the tests must run and pass" >&2
        return 1 ;;
      -D) prop=${1:-}; [ $# -gt 0 ] && shift ;;
      -D*) prop=${word#-D} ;;
      *) continue ;;
    esac
    val=true
    case "$prop" in *=*) val=${prop#*=}; prop=${prop%%=*} ;; esac
    case "$(printf '%s' "$val" | tr '[:upper:]' '[:lower:]')" in false|0|no) continue ;; esac
    case "$prop" in
      skipTests|skipITs|skipExec|maven.test.skip|maven.test.skip.exec|maven.test.failure.ignore|testFailureIgnore\
      |surefire.skip*|failsafe.skip*|surefire.testFailureIgnore|failsafe.testFailureIgnore|it.skip)
        echo "refused: Maven is told to skip or ignore tests (-D$prop in $where): the tests must run and pass" >&2
        return 1 ;;
    esac
  done
  return 0
}
