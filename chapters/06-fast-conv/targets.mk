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
# BENCH_ISA=avx2 runs the whole report as an AVX2 machine of this clock and
# these caches would see it: the fast path on its AVX2 kernel (FC_KERNEL),
# the peak loop on AVX2, and every peer held to AVX2 as well (oneDNN by
# ONEDNN_MAX_CPU_ISA, OpenBLAS by its Haswell kernels, PyTorch by
# ATEN_CPU_CAPABILITY and its own oneDNN's cap), so that the ratios compare
# like with like. Its CSV and figures go to build/bench/*-avx2.*; the
# lesson's figures are never overwritten by it.
#
# A benchmark, not a test: it takes about three and a half minutes (one
# and a half of them the training tables, in interleaved rounds) and its numbers
# depend on the machine and on what else runs on it.
BENCH_ENV_avx2 := BENCH_ISA=avx2 FC_KERNEL=avx2 ONEDNN_MAX_CPU_ISA=AVX2 DNNL_MAX_CPU_ISA=AVX2 \
	OPENBLAS_CORETYPE=Haswell BENCH_KEEP_CORETYPE=1 ATEN_CPU_CAPABILITY=avx2
.PHONY: bench
bench: deps lib $(GRADER) ## chapter 06 speed report: GFLOP/s table, CSV, figures (your chapter 06 once started) [BENCH_ISA=avx2]
	@case "$(BENCH_ISA)" in \
	   ""|avx2) ;; \
	   *) echo "make bench: BENCH_ISA=$(BENCH_ISA): expected avx2 (an AVX2 machine's view) or nothing (this CPU's best)" >&2; exit 2 ;; \
	 esac
	@grader/deps.sh peers
	@$(MAKE) -s programs
	@$(if $(BENCH_ISA),export $(BENCH_ENV_$(BENCH_ISA)) && echo "(BENCH_ISA=$(BENCH_ISA): the fast path and every peer held to $(BENCH_ISA))" &&) \
	 if grep -q '^SRC_06-fast-conv := chapters/' $(BUILD)/assembled/$(VARIANT)/sources.mk; then \
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
