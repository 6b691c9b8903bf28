#!/usr/bin/env bash
# portable.sh -- `make test`'s proof that a student's commands need nothing
# macOS lacks (macOS ships bash 3.2, BSD tools and GNU make 3.81):
#
#   1. every script a student's commands run parses (dash -n for #!/bin/sh,
#      bash -n otherwise) and uses no bash-4 feature and no GNU-only tool or
#      flag: each hit is printed as FILE:LINE with what to use instead;
#   2. in a scratch copy of the workbook, `make grade CH=01 SOLUTION=1`
#      builds everything from nothing and reaches full marks with PATH set
#      to a folder of links to only the tools macOS also has (no timeout,
#      stat, readlink, realpath, sha256sum, nproc, numfmt, install, ...).
#
#   grader/portable.sh [--lint-only] [FILE...]   (FILEs: lint these instead)
#
# A maintainer's script (run by grader/test.sh on Linux): it may use bash 4
# and GNU tools itself. A line the lint must accept says why in a comment
# "portable: ..." on that line.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
root=$PWD

lint_only=0
[ "${1:-}" = --lint-only ] && { lint_only=1; shift; }

# The scripts a student's commands run (make grade, watch, hint, train,
# figures, datasets, bench, deps and what those call). The maintainers'
# (grader/test.sh, hostile.sh, plant.sh, portable.sh, test-arm64.sh,
# docs/check_book.sh (headless Chromium), solutions/*/maintainer/) are not
# here; each says so in its header.
student_scripts() {
    printf '%s\n' grader/deps.sh grader/grade.sh grader/yours.sh datasets/fetch.sh docs/book.sh \
        common/figures/*.sh chapters/*/figures/*.sh chapters/*/bench/*.sh
}
# The makefiles whose recipes a student's commands run (their shell lines
# are linted for GNU-only tools; make 4 features are looked for apart).
student_makefiles() { printf '%s\n' Makefile grader/*.mk chapters/*/targets.mk; }

# lint FILE KIND: KIND is "script" or "makefile". Prints one line per hit.
lint() {
    perl -e '
        my ($file, $kind) = @ARGV;
        open my $fh, "<", $file or die "cannot read $file: $!\n";
        my @lines = <$fh>;
        my $text = join "", @lines;
        my $set_u = $text =~ /^\s*set\s+-[a-z]*u/m;
        my $has_shasum = $text =~ /shasum/;
        # Arrays that can be empty: assigned () somewhere, or declared bare.
        my %may_be_empty;
        $may_be_empty{$1} = 1 while $text =~ /(?:^|[\s;(])(?:local\s+(?:-a\s+)?)?([A-Za-z_]\w*)=\(\)/mg;
        $may_be_empty{$1} = 1 while $text =~ /\b(?:local|declare)\s+-a\s+([A-Za-z_]\w*)\s*(?:$|;)/mg;
        $may_be_empty{$1} = 1 while $text =~ /([A-Za-z_]\w*)=\("\$\{\1\[@\]:1\}"\)/mg;
        my @tool_rules = (
            [qr/(?:^|[;&|(`]|\$\(|\b(?:then|do|else|exec|env|command|if|while|!))\s*timeout\s/, "timeout (GNU coreutils; macOS has none): use the grader'\''s own time limits or perl -e alarm"],
            [qr/\bsed(?:\s+-[a-zA-Z]+)*\s+-[a-zA-Z]*i/, "sed -i (BSD sed needs an argument after -i): write a new file and mv it"],
            [qr/\breadlink\s+-[a-zA-Z]*f/, "readlink -f (GNU): use cd DIR && pwd"],
            [qr/\bstat\s+-[a-zA-Z]*c/, "stat -c (GNU; BSD stat -f differs): use wc -c < FILE or ls"],
            [qr/\bdate\s+(?:-[a-zA-Z]+\s+)*-[a-zA-Z]*d\s/, "date -d (GNU): compute with perl or awk"],
            [qr/\bgrep(?:\s+-[a-zA-Z]+)*\s+-[a-zA-Z]*P/, "grep -P (GNU, PCRE): use grep -E or perl"],
            [qr/\bxargs(?:\s+-[a-zA-Z0-9]+)*\s+-[a-zA-Z]*r/, "xargs -r (GNU): test for input first"],
            [qr/--reflink/, "cp --reflink (GNU)"],
            [qr/\bfind\b.*\s-printf\b/, "find -printf (GNU): use -exec or a loop"],
            [qr/\bsort(?:\s+-[a-zA-Z]+)*\s+-[a-zA-Z]*V/, "sort -V (GNU)"],
            [qr/\bhead\s+-n\s*-\d/, "head -n -N (GNU): use sed or awk"],
            [qr/\bwc\s+-[a-zA-Z]*L/, "wc -L (GNU)"],
            [qr/\bln(?:\s+-[a-zA-Z]+)*\s+-[a-zA-Z]*r/, "ln -r (GNU)"],
            [qr/(?:^|[;&|(`]|\$\(|\b(?:then|do|else|exec|env|command|if|while))\s*(?:realpath|nproc|numfmt|tac|shuf|truncate|md5sum|sha1sum|zcat|install)(?:\s|$|\))/,
             "a GNU-only tool (macOS lacks it, or zcat reads only .Z there): realpath -> cd && pwd, nproc -> getconf _NPROCESSORS_ONLN, zcat -> gzip -dc"],
            [qr/\b(?:gensub|strftime|systime|asorti?)\s*\(/, "a gawk-only awk function (macOS awk is the one true awk)"],
        );
        $has_shasum or push @tool_rules, [qr/\bsha256sum\b/, "sha256sum without a fallback (macOS has shasum -a 256)"];
        my @bash_rules = (
            [qr/\b(?:mapfile|readarray)\b/, "mapfile/readarray (bash 4; macOS has bash 3.2): read lines with while IFS= read -r"],
            [qr/\$\{[A-Za-z_]\w*(?:\[[^\]]*\])?(?:,,?|\^\^?)\}/, "\${x,,} or \${x^^} (bash 4): use tr"],
            [qr/\b(?:declare|typeset|local)(?:\s+-[a-zA-Z]+)*\s+-[a-zA-Z]*A\b/, "an associative array (bash 4): use a case or two lists"],
            [qr/\b(?:declare|typeset|local)(?:\s+-[a-zA-Z]+)*\s+-[a-zA-Z]*n\s/, "declare -n (bash 4.3)"],
            [qr/\bdeclare\s+-[a-zA-Z]*g/, "declare -g (bash 4.2)"],
            [qr/\|&|&>>|;;&|\bcoproc\b/, "|&, &>>, ;;& or coproc (bash 4)"],
            [qr/\[\[\s+-v\s/, "[[ -v (bash 4.2): use \${x+set}"],
            [qr/\bwait\s+-n\b/, "wait -n (bash 4.3)"],
            [qr/\bshopt\s+-s\s+(?:globstar|lastpipe|autocd|direxpand)/, "a bash-4 shopt"],
            [qr/\$\{[^}]*@[QEPAaKk]\}/, "\${x\@Q} and kin (bash 4.4)"],
            [qr/\$\{[A-Za-z_]\w*\[-\d+\]\}/, "a negative array index (bash 4.3)"],
            [qr/\$EPOCH(?:REAL)?TIME|\$BASHPID|\$\{?BASH_ARGV0/, "a bash-4/5 variable"],
            [qr/\bmktemp\b(?!.*X{3})/, "mktemp without a template (BSD mktemp needs one): mktemp \"\${TMPDIR:-/tmp}/name.XXXXXX\""],
        );
        my @rules = @tool_rules;
        push @rules, @bash_rules if $kind eq "script";
        my $n = 0;
        for my $i (0 .. $#lines) {
            my $line = $lines[$i];
            next if $line =~ /#\s*portable:/;
            if ($kind eq "makefile") {
                next unless $line =~ /^\t/ || $line =~ /\$\(shell\s/;
            }
            next if $line =~ /^\s*#/;
            $line =~ s/(^|\s)#.*$//;
            for my $r (@rules) {
                if ($line =~ $r->[0]) { printf "%s:%d: %s\n", $file, $i + 1, $r->[1]; $n++ }
            }
            if ($kind eq "script" && $set_u) {
                while ($line =~ /(.)?"\$\{([A-Za-z_]\w*)\[@\]\}"/g) {
                    next unless $may_be_empty{$2};
                    next if defined $1 && $1 eq "+";
                    printf "%s:%d: \"\${%s[@]}\" of an array that may be empty, under set -u (bash 3.2 calls it unbound): \${%s[@]+\"\${%s[@]}\"}\n",
                        $file, $i + 1, $2, $2, $2; $n++;
                }
            }
        }
        if ($kind eq "makefile") {
            # GNU make 4 features (macOS ships GNU make 3.81).
            for my $i (0 .. $#lines) {
                my $line = $lines[$i];
                next if $line =~ /^\s*#/ || $line =~ /#\s*portable:/;
                if ($line =~ /^\s*\.ONESHELL|\$\(file\s|^[^\t#]*(?:::=|!=|&:)|\.RECIPEPREFIX|^\s*undefine\b|\.SHELLFLAGS|\.EXTRA_PREREQS|\$\((?:guile|let|intcmp)\s|^\s*define\s+\S+\s*:?=\s*$|^\s*private\s/) {
                    printf "%s:%d: a GNU make 4 feature (macOS ships make 3.81)\n", $file, $i + 1; $n++;
                }
            }
        }
        exit($n ? 1 : 0);
    ' "$1" "$2"
}

lint_all() {
    local f status=0 first
    local -a scripts makefiles
    if [ $# -gt 0 ]; then scripts=("$@"); makefiles=(); else
        while IFS= read -r f; do scripts+=("$f"); done < <(student_scripts)
        while IFS= read -r f; do makefiles+=("$f"); done < <(student_makefiles)
    fi
    for f in "${scripts[@]}"; do
        [ -f "$f" ] || { echo "$f: no such script"; status=1; continue; }
        first=$(head -n 1 "$f")
        case $first in
            '#!/bin/sh'*) dash -n "$f" || { echo "$f: does not parse as POSIX sh (dash -n)"; status=1; } ;;
            *) bash -n "$f" || { echo "$f: does not parse (bash -n)"; status=1; } ;;  # bash, or sourced by bash
        esac
        lint "$f" script || status=1
    done
    for f in ${makefiles[@]+"${makefiles[@]}"}; do lint "$f" makefile || status=1; done
    [ $status = 0 ] && echo "lint: ${#scripts[@]} scripts and ${#makefiles[@]} makefiles use nothing macOS lacks"
    return $status
}

# The tools macOS ships (base system and the Xcode command-line tools) or
# Homebrew installs for the workbook; everything else is hidden. stat and
# readlink exist on macOS with other flags than GNU's, so they are hidden
# too: a script using them must fail here.
MAC_TOOLS="cc gcc clang as ld ar ranlib nm objdump strip make pkg-config
  sh bash dash cat cp mv rm rmdir mkdir ls ln chmod touch date dirname basename
  env uname printf echo test [ expr sleep kill ps true false pwd hostname getconf
  sed grep egrep awk tr cut head tail wc sort uniq comm paste join split dd fold
  find xargs tee od cmp diff mktemp id tar gzip gunzip bzip2 perl git curl
  which file shasum gnuplot convert montage magick python3"

restricted_grade() {
    local bin=$root/build/portable/bin ws=$root/build/portable/workbook t p out rc
    rm -rf "$root/build/portable"; mkdir -p "$bin" "$ws/datasets"
    for t in $MAC_TOOLS; do
        p=$(type -P "$t" 2>/dev/null) && ln -s "$p" "$bin/$t"   # a builtin too: its program
    done
    for t in timeout stat readlink realpath sha256sum nproc numfmt install; do
        [ ! -e "$bin/$t" ] || { echo "the restricted PATH holds $t"; return 1; }
    done
    echo "restricted PATH: $bin ($(ls "$bin" | wc -l | tr -d ' ') tools: $(ls "$bin" | tr '\n' ' '))"
    cp -r Makefile chapters solutions common grader "$ws"/ || return 1
    cp datasets/*.* "$ws/datasets/" || return 1
    # From nothing (no build/): the grader, the core library and chapter 01
    # are all built under the restricted PATH.
    out=$(cd "$ws" && env -i PATH="$bin" HOME="${HOME:-/root}" ${CI:+CI=$CI} make grade CH=01 SOLUTION=1 2>&1 </dev/null); rc=$?
    echo "$out" | tail -n 5
    [ $rc = 0 ] || { echo "make grade CH=01 SOLUTION=1 failed (exit $rc) with only macOS's tools on PATH"; return 1; }
    echo "$out" | grep -E 'Chapter 01: ([0-9]+)/\1 points' >/dev/null ||
        { echo "make grade CH=01 SOLUTION=1 did not reach full marks with only macOS's tools on PATH"; return 1; }
    echo "make grade CH=01 SOLUTION=1: full marks with only macOS's tools on PATH"
    rm -rf "$root/build/portable"
}

# The lint can fail: a planted script with one construct a line (lines 3
# to 18) must get exactly one hit on each, a planted makefile two, and a
# #!/bin/sh script with a bash array must not parse.
lint_catches_plants() {
    local dir=$root/build/portable-plants out n want=16
    rm -rf "$dir"; mkdir -p "$dir"
    cat >"$dir/planted.sh" <<'PLANTED'
#!/usr/bin/env bash
set -euo pipefail
mapfile -t lines <x
y=${x,,}
declare -A map
timeout 5 true
sed -i 's/a/b/' f
readlink -f .
stat -c %s f
grep -P 'x' f
xargs -r echo
n=$(nproc)
t=$(mktemp)
a=(); cmd "${a[@]}"
sha256sum f
find . -printf '%p'
head -n -1 f
zcat f.gz
PLANTED
    printf '.ONESHELL:\nNOW != date\nall:\n\t@x=$$(realpath .)\n' >"$dir/planted.mk"
    printf '#!/bin/sh\nlist=(a b)\n' >"$dir/planted-sh.sh"
    out=$(lint "$dir/planted.sh" script)
    n=$(printf '%s\n' "$out" | grep -c ':[0-9]*: ')
    for l in $(seq 3 18); do
        # A here-string, not a pipe: under pipefail, grep -q quitting at its
        # match can kill the writer of the lines after it (SIGPIPE), which
        # failed this check once in CI.
        grep -q "planted.sh:$l: " <<<"$out" || { echo "the lint missed line $l of the planted script:"; sed -n "${l}p" "$dir/planted.sh"; return 1; }
    done
    [ "$n" = $want ] || { echo "the lint found $n hits in the planted script, not $want:"; echo "$out"; return 1; }
    n=$(lint "$dir/planted.mk" makefile | grep -c ':[0-9]*: ')
    [ "$n" = 3 ] || { echo "the lint found $n hits in the planted makefile, not 3 (.ONESHELL, !=, realpath)"; return 1; }
    ! dash -n "$dir/planted-sh.sh" 2>/dev/null || { echo "dash -n accepted a bash array in a #!/bin/sh script"; return 1; }
    echo "lint: every planted construct is caught ($want in a script, 3 in a makefile, a bash array under dash)"
    rm -rf "$dir"
}

status=0
if [ $# -eq 0 ]; then lint_catches_plants || status=1; fi
lint_all "$@" || status=1
if [ $lint_only = 0 ] && [ $# -eq 0 ]; then restricted_grade || status=1; fi
exit $status
