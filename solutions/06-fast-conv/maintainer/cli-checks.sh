# cli-checks.sh -- sourced by grader/test.sh (cli_checks, which sets $p to
# the reference programs' folder and defines cli_case): the benchmark answers --help
# with its usage (exit 0) and a bad command line with a message and exit 2,
# like every program of the workbook, before it times anything (so each
# case takes milliseconds). An unknown --shapes or --only name must not
# time nothing and exit 0 with an empty table.
# A maintainer's script (Linux CI, not a student's command): bash 4 and GNU
# tools are fine here; grader/portable.sh checks only what students run.
bench=$p/bench
cli_case 0 "usage: bench" $bench --help || return 1
cli_case 0 "usage: bench" $bench -h || return 1
# --help wins wherever it stands: it is never taken as an option's value.
cli_case 0 "usage: bench" $bench --budget --help || return 1
cli_case 2 "unknown option --bogus" $bench --bogus || return 1
cli_case 2 "unknown option --bogus" $bench --bogus 1 || return 1
cli_case 2 "unexpected argument 'fast'" $bench fast || return 1
cli_case 2 "--csv needs a value" $bench --csv || return 1
# A forgotten value: the next option is not taken as the value.
cli_case 2 "--csv needs a value" $bench --csv --budget 2 || return 1
cli_case 2 "--budget needs a value" $bench --budget || return 1
cli_case 2 "--threads takes 1, 2 or 1,2 (each at most once), got '3'" $bench --threads 3 || return 1
cli_case 2 "--threads takes 1, 2 or 1,2 (each at most once), got '1,1'" $bench --threads 1,1 || return 1
cli_case 2 "--budget: expected a number from 0.001 to 3600, got '0'" $bench --budget 0 || return 1
cli_case 2 "--budget: expected a number from 0.001 to 3600, got '-1'" $bench --budget -1 || return 1
cli_case 2 "--budget: expected a number from 0.001 to 3600, got 'nan'" $bench --budget nan || return 1
cli_case 2 "--budget: expected a number from 0.001 to 3600, got 'inf'" $bench --budget inf || return 1
cli_case 2 "--budget: expected a number from 0.001 to 3600, got '1s'" $bench --budget 1s || return 1
cli_case 2 "--shapes: unknown shape 'nope' (the shapes: digits-conv1," $bench --shapes nope || return 1
cli_case 2 "--shapes: unknown shape 'cifar_conv1' (the shapes:" $bench --shapes digits-conv1,cifar_conv1 || return 1
cli_case 2 "--only: unknown implementation 'nope' (the implementations: naive," $bench --only nope || return 1
cli_case 2 "--only: an empty name in 'naive,'" $bench --only naive, || return 1
cli_case 2 "leaves nothing to time: at 2 threads only these run: fast" $bench --only naive --threads 2 || return 1
cli_case 2 "--rounds: expected a whole number from 3 to 51, got '2'" $bench --rounds 2 || return 1
cli_case 2 "--rounds: expected a whole number from 3 to 51, got 'x'" $bench --rounds x || return 1
# A short run times in rounds and reports ratios taken within them.
cli_case 0 "2t vs 1t" $bench --shapes digits-conv1 --only naive,fast --budget 0.01 --rounds 3 || return 1
# The fast path forced one way is an implementation of its own when --only
# names it, and only then: a run without --only leaves it out.
cli_case 0 "6.5 fast path, FC_CONV=packed" \
    $bench --shapes digits-conv1 --only fast,fast_packed --threads 1 --budget 0.01 --rounds 3 || return 1
out=$($bench --shapes digits-conv1 --threads 1 --budget 0.01 --rounds 3 2>&1 </dev/null) || { echo "$out"; return 1; }
[[ "$out" != *"FC_CONV="* ]] || { echo "a run without --only timed a forced way:"; echo "$out"; return 1; }
# FC_KERNEL forces a micro-kernel: a name that is no kernel is refused before
# anything is timed, and so is the AVX-512 one on a CPU without it (only
# checked where the CPU lacks AVX-512F: elsewhere it is a valid choice).
cli_case 2 "FC_KERNEL=sse9: no such micro-kernel (the kernels: avx512, avx2, portable" \
    env FC_KERNEL=sse9 $bench --only fast || return 1
if ! grep -qw avx512f /proc/cpuinfo 2>/dev/null && [ "$(uname -m)" = x86_64 ]; then
    cli_case 2 "FC_KERNEL=avx512: this CPU cannot run the avx512 micro-kernel" \
        env FC_KERNEL=avx512 $bench --only fast || return 1
fi
cli_case 0 "micro-kernel picked at run time: portable (tile 8x32" \
    env FC_KERNEL=portable $bench --shapes digits-conv1 --only fast --threads 1 --budget 0.01 --rounds 3 || return 1
# The peak loop follows the forced kernel: % peak of an AVX2 run divides by
# the AVX2 peak (what `make bench BENCH_ISA=avx2` reports).
if grep -qw avx2 /proc/cpuinfo 2>/dev/null && [ "$(uname -m)" = x86_64 ]; then
    cli_case 0 "forced by FC_KERNEL); FMA peak loop: avx2" \
        env FC_KERNEL=avx2 $bench --shapes digits-conv1 --only fast --threads 1 --budget 0.01 --rounds 3 || return 1
fi
cli_case 2 "BENCH_ISA=sse4: expected avx2" make -s bench BENCH_ISA=sse4 || return 1
# ... and on a CPU without AVX2 (an arm64 one, played by a uname that says
# so) it is refused at once, before PyTorch's minute of timing.
fake=$(mktemp -d)
printf '#!/bin/sh\necho aarch64\n' > "$fake/uname" && chmod +x "$fake/uname"
cli_case 2 "BENCH_ISA=avx2 needs an x86-64 CPU with AVX2; this one is aarch64" \
    env PATH="$fake:$PATH" BENCH_ISA=avx2 chapters/06-fast-conv/bench/bench.sh "$bench" solution || { rm -rf "$fake"; return 1; }
rm -rf "$fake"
