#!/usr/bin/env bash
# Refresh the translation catalogues from the code and templates, then compile them.
#
#   scripts/messages.sh            extract (makemessages) + compile (compilemessages)
#   scripts/messages.sh --compile  compile only (what a fresh checkout or a deploy needs)
#
# After extracting, it lists how many Arabic entries are untranslated or fuzzy: those need a
# translator before the change ships (tawasul/common/tests/test_translations.py fails on them).
# English needs no msgstr: the source strings are English.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PY=.venv/bin/python
[ -x "$PY" ] || PY=python3
LANGS=(-l ar -l en)
# The virtualenv, generated files and third-party assets carry their own catalogues.
IGNORE=(--ignore=.venv --ignore=var --ignore=node_modules --ignore=static/vendor --ignore=.git)

if [ "${1:-}" != "--compile" ]; then
	# makemessages stamps a new POT-Creation-Date on every run: keep the previous file when
	# nothing else changed, so that a run with no new string leaves the tree clean.
	before=$(mktemp -d)
	trap 'rm -rf "$before"' EXIT
	for po in locale/*/LC_MESSAGES/*.po; do
		[ -e "$po" ] && mkdir -p "$before/$(dirname "$po")" && cp -p "$po" "$before/$po"
	done
	$PY manage.py makemessages "${LANGS[@]}" "${IGNORE[@]}" --no-obsolete
	# JavaScript catalogue only when our own scripts call gettext (vendored ones are ignored).
	if grep -rlE '\b(n|p|np)?gettext\(' static --include='*.js' 2>/dev/null | grep -vq '^static/vendor/'; then
		$PY manage.py makemessages -d djangojs "${LANGS[@]}" "${IGNORE[@]}" --no-obsolete
	fi
	for po in locale/*/LC_MESSAGES/*.po; do
		old="$before/$po"
		if [ -e "$old" ] && cmp -s <(grep -v '^"POT-Creation-Date:' "$old") <(grep -v '^"POT-Creation-Date:' "$po"); then
			cp -p "$old" "$po"
		fi
	done
	if command -v msgattrib >/dev/null; then
		for po in locale/ar/LC_MESSAGES/*.po; do
			untranslated=$(msgattrib --untranslated --no-obsolete "$po" | grep -c '^msgid ' || true)
			fuzzy=$(msgattrib --only-fuzzy --no-obsolete "$po" | grep -c '^msgid ' || true)
			# msgattrib repeats the header entry (msgid "") in its output when anything is left.
			[ "$untranslated" -gt 0 ] && untranslated=$((untranslated - 1))
			[ "$fuzzy" -gt 0 ] && fuzzy=$((fuzzy - 1))
			echo "$po: $untranslated untranslated, $fuzzy fuzzy"
		done
	fi
fi

$PY manage.py compilemessages "${IGNORE[@]}" --verbosity 0
echo "compiled: $(find locale -name '*.mo' | sort | tr '\n' ' ')"
