# Chapter 02's top-level command (included by the Makefile): your code, or
# the reference while the chapter is untouched (SOLUTION=1: the reference).
.PHONY: conv-demo
conv-demo: programs ## print chapter 02's worked example, computed by your conv_single.c (SOLUTION=1: the reference's)
	@$(PROGRAMS)/conv_demo 
