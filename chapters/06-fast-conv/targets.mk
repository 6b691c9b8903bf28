# targets.mk -- chapter 06's top-level command (included by the Makefile).
#
#   make bench          the reference solution: table on stdout,
#                       build/bench/bench.csv, docs/figures/ch06-*.png
#   make bench CH=06    your chapters/06-fast-conv code, the same way (with the
#                       reference's fast convolution timed beside it)
#
# As root it first installs the peers it compares with when they are missing
# (OpenBLAS, oneDNN, PyTorch; BENCH_PEERS=0 skips that: grader/deps.sh peers).
#
# A benchmark, not a test: it takes about three minutes and its numbers
# depend on the machine and on what else runs on it.
CH06_VARIANT = $(if $(CH),student,solution)

.PHONY: bench
bench: deps lib ## chapter 06 speed report: GFLOP/s table, CSV, figures (CH=06: your code)
	@grader/deps.sh peers
	@$(MAKE) -s chapter CH=06 SOLUTION=1 >/dev/null
	@$(if $(CH),$(MAKE) -s chapter CH=06 SOLUTION=0 >/dev/null)
	@chapters/06-fast-conv/bench/bench.sh $(BUILD)/$(CH06_VARIANT)/06-fast-conv/bin/bench $(CH06_VARIANT) \
	   $(if $(CH),$(BUILD)/solution/06-fast-conv/bin/bench)
	@$(if $(CH),,echo; echo "Training speed (chapter 05's models, using this convolution):"; \
	   $(MAKE) -s train-bench DATA=digits; \
	   if [ -f datasets/cifar-10-batches-bin/test_batch.bin ]; then \
	     $(MAKE) -s train-bench DATA=cifar10 THREADS=1 BATCHES="32 64"; $(MAKE) -s train-bench DATA=cifar10 THREADS=2 BATCHES="64 128"; \
	   else echo "(CIFAR-10 absent: its training speed is skipped; make datasets)"; fi)
