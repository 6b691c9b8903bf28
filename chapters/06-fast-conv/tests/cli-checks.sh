# cli-checks.sh -- sourced by grader/test.sh (cli_checks, which sets $b to
# the solution build and defines cli_case): the benchmark rejects bad
# options with a message and exit 1 (2 is kept for "an implementation gave
# wrong results"), before it times anything.
make -s chapter CH=06 SOLUTION=1 >/dev/null || return 1
cli_case 1 "unknown option --bogus" $b/06-fast-conv/bin/bench --bogus 1 || return 1
cli_case 1 "--csv needs a value" $b/06-fast-conv/bin/bench --csv || return 1
cli_case 1 "--threads takes 1 and/or 2" $b/06-fast-conv/bin/bench --threads 3 || return 1
cli_case 1 "--budget must be positive" $b/06-fast-conv/bin/bench --budget 0 || return 1
