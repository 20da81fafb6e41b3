#!/usr/bin/env bash
# Consumer test (e): every symbol a built ndwrap library defines for the
# outside world starts with `ndw_`.
#
#   check_exports.sh <libndwrap.so | libndwrap.a>
#
# A shared library is read with `nm -D --defined-only` (its dynamic symbol
# table: what the C visibility preset and NDW_API let out); a static archive
# with `nm -g --defined-only` (its global symbols, which land in the linking
# program's namespace).  Prints the offenders and exits 1 if there are any.
set -euo pipefail

lib=${1:?usage: check_exports.sh <libndwrap.so|libndwrap.a>}
[[ -f $lib ]] || { echo "check_exports: no such file: $lib" >&2; exit 2; }
command -v nm >/dev/null || { echo "check_exports: nm not found (binutils)" >&2; exit 2; }

case $lib in
  *.a) listing=$(nm -g --defined-only "$lib") ;;
  *) listing=$(nm -D --defined-only "$lib") ;;
esac
# Symbol lines are "<address> <type> <name>[@version]"; archive member
# headers ("file.o:") and blank lines are skipped.
names=$(awk 'NF >= 3 { sub(/@.*/, "", $3); print $3 }' <<<"$listing" | sort -u)
total=$(grep -c . <<<"$names" || true)
bad=$(grep -v '^ndw_' <<<"$names" | grep . || true)

if [[ $total -eq 0 ]]; then
  echo "check_exports: $lib defines no exported symbol at all" >&2
  exit 1
fi
if [[ -n $bad ]]; then
  echo "check_exports: $lib exports symbols without the ndw_ prefix:" >&2
  sed 's/^/  /' <<<"$bad" >&2
  exit 1
fi
echo "check_exports: $total exported symbols in $(basename "$lib"), all ndw_*"
