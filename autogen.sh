#!/bin/sh
# Generate ./configure from configure.ac (needs Debian's autoconf, automake, pkg-config).
set -e
cd "$(dirname "$0")"
autoreconf -fi
