# Chapter 04's top-level command (included by the Makefile): your code, or
# the reference while the chapter is untouched (SOLUTION=1: the reference).
.PHONY: pool-demo
pool-demo: programs ## print the numbers of chapter 04's lesson from your pooling code (SOLUTION=1: the reference's)
	@$(PROGRAMS)/pool_demo 
