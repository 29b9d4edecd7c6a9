# Shared set-up for the README's commands: the Debian packages tcdocs needs and the
# project's virtual environment. Source it, then call the functions:
#   system_packages PACKAGE...   install what is missing (as root with apt-get), or name it
#   python_env EXTRAS            .venv with tcdocs installed in editable mode with EXTRAS

# Installs the missing Debian packages where that is possible (root, apt-get); otherwise
# prints one line naming them and carries on, since tcdocs works without the optional ones.
system_packages() {
  if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "tcdocs set-up: not a Debian system; make sure these (or your system's equivalents) are installed: $*" >&2
    return 0
  fi
  local missing="" pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
  done
  [ -n "$missing" ] || return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "tcdocs set-up: installing Debian packages:$missing" >&2
    # No recommended packages: they would bring fonts (Carlito among them) that the
    # tests must do without, to prove that the documents carry their own.
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
  else
    echo "tcdocs set-up: missing Debian packages:$missing (install them with: sudo apt-get install$missing); going on without them" >&2
  fi
}

python_env() {
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/pip install -q --disable-pip-version-check --upgrade pip
  .venv/bin/pip install -q --disable-pip-version-check -e ".[$1]"
}

# WeasyPrint lays out the PDF with Pango; HarfBuzz's subsetter embeds fonts fast.
RENDER_PACKAGES="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"
# The tests read the DOCX with LibreOffice, drive the service's page in Chromium and run the
# case store on a PostgreSQL server of their own (they start and stop it; nothing runs after).
TEST_PACKAGES="libreoffice-writer-nogui chromium chromium-driver postgresql"
