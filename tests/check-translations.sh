#!/bin/sh
# Fails when a translation is incomplete: every string of the files in po/POTFILES.in must be
# translated (not fuzzy) in every language of po/LINGUAS, msgfmt --check must pass, and every
# file that holds translatable strings must be listed in po/POTFILES.in.
set -eu
root=${1:?usage: check-translations.sh SOURCE_ROOT}
cd "$root"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0

# 1. Every file with translatable strings is listed.
grep -v '^#' po/POTFILES.in | sed '/^$/d' > "$tmp/listed"
{
  grep -rlE '(^|[^A-Za-z_])(N?_|C_|NC_|g_dngettext) ?\(' src --include='*.c' || true
  grep -rl 'translatable="yes"' src --include='*.ui' || true
  ls data/*.desktop.in.in data/*.metainfo.xml.in.in data/*.gschema.xml 2>/dev/null || true
} | sort -u > "$tmp/marked"
missing=$(comm -23 "$tmp/marked" "$(sort "$tmp/listed" > "$tmp/listed.sorted"; echo "$tmp/listed.sorted")")
if [ -n "$missing" ]; then
  echo "Files with translatable strings missing from po/POTFILES.in:" >&2
  echo "$missing" >&2
  status=1
fi
if ! sort -c "$tmp/listed" 2>/dev/null; then
  echo "po/POTFILES.in is not sorted" >&2
  status=1
fi

# 2. A fresh template, extracted like meson's glib preset does.
xgettext --directory=. --files-from="$tmp/listed" --from-code=UTF-8 --add-comments \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
  --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
  --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
  --flag=g_string_printf:2:c-format --flag=g_string_append_printf:2:c-format \
  --flag=g_error_new:3:c-format --flag=g_set_error:4:c-format \
  --flag=g_printerr:1:c-format --flag=g_print:1:c-format \
  -o "$tmp/template.pot"
echo "template: $(grep -c '^msgid' "$tmp/template.pot") messages"

# 3. Each language: complete against the fresh template, and valid.
for lang in $(grep -v '^#' po/LINGUAS); do
  msgfmt --check -o /dev/null "po/$lang.po" || status=1
  msgmerge --quiet --no-fuzzy-matching "po/$lang.po" "$tmp/template.pot" -o "$tmp/$lang.po"
  stats=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$tmp/$lang.po" 2>&1) || status=1
  echo "$lang: $stats"
  case $stats in
    *fuzzy*|*untranslated*)
      echo "$lang: incomplete; untranslated or fuzzy messages:" >&2
      msgattrib --untranslated "$tmp/$lang.po" | grep -A1 '^msgid' >&2 || true
      status=1 ;;
  esac
done

exit $status
