#!/usr/bin/env bash
# deps.sh -- checks the tools the workbook needs and, as root on Debian or
# Ubuntu, installs the missing ones with apt-get. Otherwise it prints the
# install lines for Debian/Ubuntu and macOS and stops with status 1.
#
#   grader/deps.sh build    compiler, make, pkg-config, Criterion, zlib, OpenMP
#   grader/deps.sh all      the above plus gnuplot and ImageMagick (figures),
#                           git, zip and unzip (make test's release and batch checks)
#   grader/deps.sh batch    build plus git and unzip (make grade-all takes git
#                           repositories and .zip submissions)
#   grader/deps.sh peers    what `make bench` compares with, all optional:
#                           OpenBLAS, oneDNN and PyTorch. As root it installs
#                           the missing ones (BENCH_PEERS=0: don't); otherwise
#                           it prints the line. Always exits 0: a benchmark
#                           without a peer just has no column for it.
set -uo pipefail
what=${1:-build}
cc=${CC:-cc}
pkgconfig=${PKG_CONFIG:-pkg-config}   # a cross build's is its target's (flags.mk)

missing_deb=() missing_brew=() problems=()
need() { # need DESCRIPTION DEB BREW TEST-COMMAND...
    local desc=$1 deb=$2 brew=$3; shift 3
    if ! "$@" >/dev/null 2>&1; then
        problems+=("$desc"); missing_deb+=("$deb"); [ -n "$brew" ] && missing_brew+=("$brew")
    fi
}
compiles() { # compiles C-SOURCE FLAGS...: does a tiny program build and link?
    local src=$1; shift
    printf '%b' "$src" | "$cc" -x c - -o /dev/null "$@"
}
is_imagemagick() {
    local c
    for c in magick convert-im6.q16 /usr/bin/convert convert; do
        "$c" -version 2>/dev/null | grep ImageMagick >/dev/null && return 0
    done
    return 1
}

if [ "$what" = peers ]; then
    peers=()
    "$pkgconfig" --exists openblas 2>/dev/null || peers+=(libopenblas-dev)
    compiles '#include <dnnl.h>\nint main(void){return dnnl_version()->major < 1;}\n' -ldnnl 2>/dev/null ||
        peers+=(libdnnl-dev)
    /usr/bin/python3 -c 'import torch' 2>/dev/null || peers+=(python3-torch)
    [ ${#peers[@]} -eq 0 ] && exit 0
    if [ "${BENCH_PEERS:-1}" != 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "make bench: installing the libraries it compares with: ${peers[*]} (BENCH_PEERS=0 skips this)"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq && apt-get install -y -qq "${peers[@]}" >/dev/null ||
            echo "make bench: apt-get could not install them; the benchmark runs without those columns"
    else
        echo "make bench: without ${peers[*]} the benchmark has no column for them;"
        echo "  to add them: sudo apt-get install ${peers[*]}"
    fi
    exit 0
fi

# Once everything was found, the answer is kept (like flags.mk's probes):
# `make grade` asks each time, and compiling the test programs below costs
# about 0.1 s. `make clean` forgets it.
stamp="$(cd "$(dirname "$0")/.." && pwd)/build/tools/probes/deps-$what-${cc//\//_}"
[ -f "$stamp" ] && exit 0

need "a C compiler ($cc)" gcc "" command -v "$cc"
need "make" make make command -v make
need "pkg-config ($pkgconfig)" pkg-config pkg-config command -v "$pkgconfig"
need "nm and objdump (binutils: the grader checks what compiled code calls)" binutils "" command -v "${NM:-nm}"
if [ -n "${CRITERION_LIBS:-}" ]; then
    # a Criterion named in the environment (flags.mk): does a test program link?
    # shellcheck disable=SC2086 # the flags are words
    need "Criterion ($CRITERION_LIBS)" libcriterion-dev criterion \
        compiles '#include <criterion/criterion.h>\nTest(deps, links) {}\n' ${CRITERION_CFLAGS:-} $CRITERION_LIBS
else
    need "Criterion (unit-test library, found with pkg-config)" libcriterion-dev criterion "$pkgconfig" --exists criterion
fi
need "zlib (reads the gzip datasets)" zlib1g-dev zlib compiles '#include <zlib.h>\nint main(void){return zlibVersion()[0]==0;}\n' -lz
if ! compiles '#include <omp.h>\nint main(void){return omp_get_max_threads()<1;}\n' -fopenmp; then
    if [[ "$("$cc" --version 2>/dev/null)" == *clang* ]]; then
        problems+=("OpenMP for clang"); missing_deb+=(libomp-dev); missing_brew+=(libomp)
    else
        problems+=("OpenMP"); missing_deb+=(libgomp1); missing_brew+=(libomp)
    fi
fi
if [ "$what" = all ]; then
    need "gnuplot (draws the figures)" gnuplot-nox gnuplot command -v gnuplot
    need "ImageMagick (turns images into PNG)" imagemagick imagemagick is_imagemagick
    need "zip (make test makes .zip submissions)" zip zip command -v zip
fi
if [ "$what" = all ] || [ "$what" = batch ]; then
    need "git (make release; git submissions of make grade-all)" git git command -v git
    need "unzip (.zip submissions of make grade-all)" unzip unzip command -v unzip
fi

if [ ${#problems[@]} -eq 0 ]; then
    mkdir -p "${stamp%/*}" 2>/dev/null && : >"$stamp" 2>/dev/null
    exit 0
fi

echo "Missing: $(IFS=';'; echo "${problems[*]}" | sed 's/;/; /g')." >&2
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing with apt-get: ${missing_deb[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    if apt-get update -qq && apt-get install -y -qq "${missing_deb[@]}" >/dev/null; then
        exec "$0" "$what"   # check again: succeeds only if everything is there now
    fi
    echo "apt-get could not install them; see the messages above." >&2
    exit 1
fi
echo "Install them and run the command again:" >&2
echo "  Debian/Ubuntu:  sudo apt-get install ${missing_deb[*]}" >&2
echo "  macOS:          brew install ${missing_brew[*]:-}" >&2
exit 1
