#!/bin/sh
# Checks the floors of DESIGN.md: who may include whom under src/. A lower floor never
# includes a higher one, and nothing below gui/ includes GTK.
#   ruc/     nothing of ours
#   sheet/   ruc/
#   store/   ruc/
#   lookup/  store/ ruc/
#   gui/     lookup/ sheet/ store/ ruc/
#   app/     anything
set -eu
src=${1:?usage: check-layering.sh SRCDIR}
status=0

allowed () {
  case $1 in
    ruc) echo "ruc" ;;
    sheet) echo "ruc sheet" ;;
    store) echo "ruc store" ;;
    lookup) echo "ruc store lookup" ;;
    gui) echo "ruc sheet store lookup gui" ;;
    app) echo "ruc sheet store lookup gui app" ;;
  esac
}

for floor in ruc sheet store lookup gui app; do
  [ -d "$src/$floor" ] || continue
  for file in "$src/$floor"/*.[ch]; do
    [ -e "$file" ] || continue
    case $floor in
      ruc|sheet|store|lookup)
        if grep -nE '^#include <(gtk|gdk|adwaita|gsk)' "$file"; then
          echo "$file: GTK included below gui/" >&2
          status=1
        fi ;;
    esac
    for header in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$file"); do
      [ "$header" = config.h ] && continue
      owner=
      for dir in ruc sheet store lookup gui app; do
        if [ -e "$src/$dir/$header" ]; then owner=$dir; fi
      done
      if [ -z "$owner" ]; then
        case $header in
          *-resources.h|*.h) continue ;;
        esac
      fi
      case " $(allowed "$floor") " in
        *" $owner "*) ;;
        *) echo "$file: $floor/ may not include $owner/$header" >&2; status=1 ;;
      esac
    done
  done
done

[ $status -eq 0 ] && echo "layering: ok"
exit $status
