# cli-checks.sh -- sourced by grader/test.sh (cli_checks, which sets $p to
# the reference programs' folder and defines cli_case): train and verdict answer a bad
# option, a bad value, an unknown dataset and a missing dataset with a
# message and a non-zero exit, never a crash.
# A maintainer's script (Linux CI, not a student's command): bash 4 and GNU
# tools are fine here; grader/portable.sh checks only what students run.
cli_case 2 "unknown option --bogus" $p/train --bogus || return 1
cli_case 2 "unknown option --bogus" $p/train --bogus 3 || return 1
cli_case 2 "--epochs needs a value" $p/train --epochs || return 1
cli_case 2 "whole number from 1 to 1000" $p/train --epochs x || return 1
cli_case 2 "whole number from 1 to 1000" $p/train --epochs 0 || return 1
cli_case 2 "unknown dataset 'nope'" $p/train --data nope || return 1
cli_case 2 "cnn-bn) is chapter 08's: make realworld" $p/train --model cnn-bn || return 1
cli_case 2 "unknown option --bogus" $p/verdict --bogus || return 1
cli_case 2 "unknown dataset 'nope'" $p/verdict --data nope || return 1
cli_case 1 "run \`make datasets\`" $p/train --data fashion-mnist --datasets /nonexistent || return 1
cli_case 1 "run \`make datasets\`" $p/verdict --data cifar10 --datasets /nonexistent || return 1
