# Shared by the .ci/install-*.sh scripts (source it): command lookup and apt-get installs.

have() { command -v "$1" >/dev/null 2>&1; }

# apt_install LABEL [APT-OPTION...] PACKAGE...: apt-get install as root (or with passwordless sudo); exit 1
# with a message naming LABEL and the packages when that cannot be done.
apt_install() {
  local label=$1; shift
  if ! have apt-get; then
    echo "$label: no apt-get here; install $* by hand (the tests that need them are skipped)" >&2
    exit 1
  fi
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if have sudo; then sudo="sudo -n"; else
      echo "$label: need root or sudo to apt-get install $*" >&2
      exit 1
    fi
  fi
  $sudo apt-get update
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y "$@"
}
