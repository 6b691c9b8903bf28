# cli-checks.sh -- sourced by grader/test.sh (cli_checks, which sets $p to
# the reference programs' folder and defines cli_case): realworld answers a
# bad option, a bad value, an unknown dataset and a missing dataset with a
# message and a non-zero exit, never a crash.
cli_case 2 "unknown option --bogus" $p/realworld --bogus 1 || return 1
cli_case 2 "--epochs needs a value" $p/realworld --epochs || return 1
cli_case 2 "whole number from 1 to 1000" $p/realworld --epochs 0 || return 1
cli_case 2 "unknown dataset 'nope'" $p/realworld --data nope || return 1
cli_case 2 "--layers takes naive" $p/realworld --layers quick || return 1
cli_case 1 "run \`make datasets\`" $p/realworld --data cifar10 --datasets /nonexistent || return 1
cli_case 2 "--part takes all, batchnorm or transfer" $p/realworld --part both || return 1
