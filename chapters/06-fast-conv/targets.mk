# targets.mk -- chapter 06's top-level command (included by the Makefile).
#
#   make bench    chapter 06's speed report: a table on stdout, a CSV and two
#                 figures. While chapter 06 is untouched it measures the
#                 reference (build/bench/bench.csv, docs/figures/ch06-*.png)
#                 and the training speed of the two models; once you have
#                 started it, your code (build/bench/student.csv and figures
#                 beside it), with the reference's fast convolution timed
#                 beside it in the same run. SOLUTION=1: the reference.
#
# As root it first installs the peers it compares with when they are missing
# (OpenBLAS, oneDNN, PyTorch; BENCH_PEERS=0 skips that: grader/deps.sh peers),
# then builds the programs (a peer installed now adds its column).
#
# A benchmark, not a test: it takes about three minutes and its numbers
# depend on the machine and on what else runs on it.
.PHONY: bench
bench: deps lib $(GRADER) ## chapter 06 speed report: GFLOP/s table, CSV, figures (your chapter 06 once started)
	@grader/deps.sh peers
	@$(MAKE) -s programs
	@if grep -q '^SRC_06-fast-conv := chapters/' $(BUILD)/assembled/$(VARIANT)/sources.mk; then \
	   $(MAKE) -s programs SOLUTION=1 && \
	   chapters/06-fast-conv/bench/bench.sh $(PROGRAMS)/bench student $(BUILD)/assembled/solution/bin/bench; \
	 else \
	   chapters/06-fast-conv/bench/bench.sh $(PROGRAMS)/bench solution && \
	   echo && echo "Training speed (the two models, on these layers):" && \
	   $(MAKE) -s train-bench DATA=digits && \
	   if [ -f datasets/cifar-10-batches-bin/test_batch.bin ]; then \
	     $(MAKE) -s train-bench DATA=cifar10 THREADS=1 BATCHES="32 64" && \
	     $(MAKE) -s train-bench DATA=cifar10 THREADS=2 BATCHES="64 128"; \
	   else echo "(CIFAR-10 absent: its training speed is skipped; make datasets)"; fi; \
	 fi
