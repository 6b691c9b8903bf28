#!/usr/bin/env bash
# setup.sh -- Gradescope runs this once, as root, when it builds the
# autograder's image (Ubuntu 22.04): the zip is unpacked into
# /autograder/source (the workbook, with this chapter's reference and hidden
# tests). It installs the build tools with apt-get (grader/deps.sh: gcc, make,
# pkg-config, binutils, Criterion, zlib; gcc brings OpenMP) and builds
# everything submissions share (grader/autograder/prepare.sh).
set -euo pipefail
cd "$(dirname "$0")"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq make gcc binutils pkg-config ca-certificates >/dev/null
grader/deps.sh build
grader/autograder/prepare.sh
