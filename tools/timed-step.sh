#!/usr/bin/env bash
# Time the steps of a CI job and report them as a table.
#
#   tools/timed-step.sh "LABEL" COMMAND...  run COMMAND; record LABEL, its seconds, its status
#   tools/timed-step.sh summary             print a Markdown table of the steps so far
#
# Records go to $STEP_TIMES (default .cache/step-times.tsv). A timed step exits
# with its command's status. The job's first step, before the checkout, writes
# the line "start<TAB>EPOCH-SECONDS" there: the time from it to the first timed
# step (checkout, Python, Node, restored caches) is reported as "actions set-up".
set -uo pipefail

times=${STEP_TIMES:-.cache/step-times.tsv}
mkdir -p "$(dirname "$times")"

case "${1:-}" in
summary)
  awk -F '\t' '
    BEGIN { print "| Step | Time | Status |"; print "|---|---:|---|" }
    function clock(s) { return sprintf("%d min %02d s", s / 60, s % 60) }
    $1 == "start" { start = $2; next }
    first == "" && start != "" { print "| actions set-up (checkout, Python, Node, caches) | " clock($2 - start) " | |" }
    { first = $2; end = $2 + $3; total += $3
      print "| " $1 " | " clock($3) " | " ($4 == 0 ? "passed" : "failed (exit " $4 ")") " |" }
    END { if (start != "") print "| **job so far** | **" clock(end - start) "** | |"
          else print "| **timed steps** | **" clock(total) "** | |" }
  ' "$times"
  ;;
"")
  echo "usage: $0 summary | LABEL COMMAND..." >&2
  exit 2
  ;;
*)
  label=$1
  shift
  begin=$(date +%s)
  "$@"
  status=$?
  printf '%s\t%s\t%s\t%s\n' "$label" "$begin" "$(($(date +%s) - begin))" "$status" >>"$times"
  exit "$status"
  ;;
esac
