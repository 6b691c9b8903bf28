#!/bin/sh
# deps.sh -- checks the tools the workbook needs and, as root on Debian or
# Ubuntu, installs the missing ones with apt-get. Otherwise it prints the
# one install line for this system (macOS: brew; Debian/Ubuntu: apt-get;
# anything else: both) and stops with status 1.
#
#   grader/deps.sh build    compiler, make, pkg-config, Criterion, zlib, OpenMP
#   grader/deps.sh all      the above plus gnuplot and ImageMagick (figures)
#   grader/deps.sh batch    build plus git and unzip (make grade-all takes git
#                           repositories and .zip submissions)
#   grader/deps.sh maintainer  all plus git, zip, unzip and python3 (make test's
#                           release, batch and autograder checks; make
#                           autograder); a student needs none of them
#   grader/deps.sh peers    what `make bench` compares with, all optional:
#                           OpenBLAS, oneDNN and PyTorch. As root it installs
#                           the missing ones (BENCH_PEERS=0: don't); otherwise
#                           it prints the line. Always exits 0: a benchmark
#                           without a peer just has no column for it.
#
# Plain POSIX sh (it runs under dash and macOS's bash 3.2 alike): lists are
# space-separated words, never arrays.
what=${1:-build}
cc=${CC:-cc}
pkgconfig=${PKG_CONFIG:-pkg-config}   # a cross build's is its target's (flags.mk)
system=$(uname -s 2>/dev/null)

missing_deb='' missing_brew='' problems=''
add_problem() { # add_problem DESCRIPTION DEB BREW
    problems="${problems:+$problems; }$1"
    [ -n "$2" ] && missing_deb="${missing_deb:+$missing_deb }$2"
    [ -n "$3" ] && missing_brew="${missing_brew:+$missing_brew }$3"
    return 0
}
need() { # need DESCRIPTION DEB BREW TEST-COMMAND...
    n_desc=$1 n_deb=$2 n_brew=$3; shift 3
    "$@" >/dev/null 2>&1 || add_problem "$n_desc" "$n_deb" "$n_brew"
}
compiles() { # compiles C-SOURCE FLAGS...: does a tiny program build and link?
    c_src=$1; shift
    printf '%b' "$c_src" | "$cc" -x c - -o /dev/null "$@"
}
is_imagemagick() {
    for c in magick convert-im6.q16 /usr/bin/convert convert; do
        "$c" -version 2>/dev/null | grep ImageMagick >/dev/null && return 0
    done
    return 1
}
# Homebrew's prefix (flags.mk finds it the same way): /opt/homebrew on Apple
# Silicon, /usr/local on Intel Macs.
brew_prefix() {
    brew --prefix 2>/dev/null && return 0
    for p in /opt/homebrew /usr/local; do
        [ -d "$p/opt" ] && { echo "$p"; return 0; }
    done
    return 1
}

if [ "$what" = peers ]; then
    peers=''
    "$pkgconfig" --exists openblas 2>/dev/null || peers="$peers libopenblas-dev"
    compiles '#include <dnnl.h>\nint main(void){return dnnl_version()->major < 1;}\n' -ldnnl 2>/dev/null ||
        peers="$peers libdnnl-dev"
    /usr/bin/python3 -c 'import torch' 2>/dev/null || peers="$peers python3-torch"
    peers=${peers# }
    [ -z "$peers" ] && exit 0
    if [ "$system" = Darwin ]; then
        brew_peers=$(printf '%s\n' $peers | sed -n -e 's/^libopenblas-dev$/openblas/p' -e 's/^libdnnl-dev$/onednn/p' | tr '\n' ' ')
        echo "make bench: a library it compares with is missing, so the benchmark has no column for it; to add it (untested on a Mac):"
        [ -n "$brew_peers" ] && echo "  brew install ${brew_peers% }"
        case $peers in *python3-torch*) echo "  /usr/bin/python3 -m pip install --user torch" ;; esac
    elif [ "${BENCH_PEERS:-1}" != 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "make bench: installing the libraries it compares with: $peers (BENCH_PEERS=0 skips this)"
        export DEBIAN_FRONTEND=noninteractive
        # shellcheck disable=SC2086 # a list of package names
        apt-get update -qq && apt-get install -y -qq $peers >/dev/null ||
            echo "make bench: apt-get could not install them; the benchmark runs without those columns"
    else
        echo "make bench: without $peers the benchmark has no column for them;"
        echo "  to add them: sudo apt-get install $peers"
    fi
    exit 0
fi

# Once everything was found, the answer is kept (like flags.mk's probes):
# `make grade` asks each time, and compiling the test programs below costs
# about 0.1 s. `make clean` forgets it.
root=$(cd "$(dirname "$0")/.." && pwd)
stamp="$root/build/tools/probes/deps-$what-$(printf '%s' "$cc" | tr / _)"
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
omp_test='#include <omp.h>\nint main(void){return omp_get_max_threads()<1;}\n'
if [ "$system" = Darwin ]; then
    # Apple clang has no -fopenmp of its own: Homebrew's libomp, as flags.mk uses it.
    omp=$(brew_prefix)/opt/libomp
    compiles "$omp_test" -fopenmp >/dev/null 2>&1 ||
        compiles "$omp_test" -Xpreprocessor -fopenmp -I"$omp/include" -L"$omp/lib" -lomp >/dev/null 2>&1 ||
        add_problem "OpenMP (Homebrew's libomp)" "" libomp
elif ! compiles "$omp_test" -fopenmp >/dev/null 2>&1; then
    case $("$cc" --version 2>/dev/null) in
        *clang*) add_problem "OpenMP for clang" libomp-dev libomp ;;
        *) add_problem "OpenMP" libgomp1 libomp ;;
    esac
fi
if [ "$what" = all ] || [ "$what" = maintainer ]; then
    need "gnuplot (draws the figures)" gnuplot-nox gnuplot command -v gnuplot
    need "ImageMagick (turns images into PNG)" imagemagick imagemagick is_imagemagick
fi
if [ "$what" = batch ] || [ "$what" = maintainer ]; then
    need "git (make release; git submissions of make grade-all)" git git command -v git
    need "unzip (.zip submissions of make grade-all; make test unpacks gradescope.zip)" unzip unzip command -v unzip
fi
if [ "$what" = maintainer ]; then
    need "zip (make autograder writes gradescope.zip; make test makes .zip submissions)" zip zip command -v zip
    need "python3 (make test reads the autograders' JSON)" python3 python command -v python3
fi

if [ -z "$problems" ]; then
    mkdir -p "${stamp%/*}" 2>/dev/null && : >"$stamp" 2>/dev/null
    exit 0
fi

echo "Missing: $problems." >&2
# DEPS_INSTALLED: this run follows an install; if something is still
# missing, installing again would not help (and must never loop).
if [ -z "${DEPS_INSTALLED:-}" ] && [ "$system" != Darwin ] && [ "$(id -u)" = 0 ] &&
    command -v apt-get >/dev/null 2>&1; then
    echo "Installing with apt-get: $missing_deb" >&2
    export DEBIAN_FRONTEND=noninteractive
    # shellcheck disable=SC2086 # a list of package names
    if apt-get update -qq && apt-get install -y -qq $missing_deb >/dev/null; then
        DEPS_INSTALLED=1; export DEPS_INSTALLED
        exec "$0" "$what"   # check again, once
    fi
    echo "apt-get could not install them; see the messages above." >&2
    exit 1
fi
[ -n "${DEPS_INSTALLED:-}" ] && echo "apt-get installed them, but the above is still missing." >&2
echo "Install them and run the command again:" >&2
case $system in
    Darwin)
        case $problems in *"C compiler"*|*"nm and objdump"*) echo "  xcode-select --install" >&2 ;; esac
        [ -n "$missing_brew" ] && echo "  brew install $missing_brew" >&2 ;;
    *)
        if command -v apt-get >/dev/null 2>&1; then
            echo "  sudo apt-get install $missing_deb" >&2
        else
            echo "  Debian/Ubuntu:  sudo apt-get install $missing_deb" >&2
            [ -n "$missing_brew" ] && echo "  macOS:          brew install $missing_brew" >&2
        fi ;;
esac
exit 1
