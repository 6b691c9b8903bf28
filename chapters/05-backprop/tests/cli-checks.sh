# cli-checks.sh -- sourced by grader/test.sh (cli_checks, which sets $b to
# the solution build and defines cli_case): train and verdict answer a bad
# option, a bad value, an unknown dataset and a missing dataset with a
# message and a non-zero exit, never a crash.
make -s chapter CH=05 SOLUTION=1 >/dev/null || return 1
cli_case 2 "unknown option --bogus" $b/05-backprop/bin/train --bogus || return 1
cli_case 2 "unknown option --bogus" $b/05-backprop/bin/train --bogus 3 || return 1
cli_case 2 "--epochs needs a value" $b/05-backprop/bin/train --epochs || return 1
cli_case 2 "whole number from 1 to 1000" $b/05-backprop/bin/train --epochs x || return 1
cli_case 2 "whole number from 1 to 1000" $b/05-backprop/bin/train --epochs 0 || return 1
cli_case 2 "unknown dataset 'nope'" $b/05-backprop/bin/train --data nope || return 1
cli_case 2 "unknown option --bogus" $b/05-backprop/bin/verdict --bogus || return 1
cli_case 2 "unknown dataset 'nope'" $b/05-backprop/bin/verdict --data nope || return 1
cli_case 1 "run \`make datasets\`" $b/05-backprop/bin/train --data fashion-mnist --datasets /nonexistent || return 1
cli_case 1 "run \`make datasets\`" $b/05-backprop/bin/verdict --data cifar10 --datasets /nonexistent || return 1
