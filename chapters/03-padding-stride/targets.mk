# Chapter 03's top-level command (included by the Makefile): your code, or
# the reference while the chapter is untouched (SOLUTION=1: the reference).
.PHONY: conv-sizes
conv-sizes: programs ## print chapter 03's output sizes and padded/strided outputs (SIZE="n k pad stride") (SOLUTION=1: the reference's)
	@$(PROGRAMS)/conv_sizes $(SIZE)
