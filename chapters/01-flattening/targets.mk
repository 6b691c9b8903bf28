# Chapter 01's top-level command (included by the Makefile): your code, or
# the reference while the chapter is untouched (SOLUTION=1: the reference).
.PHONY: param-table
param-table: programs ## print chapter 01's parameter table, computed by your params.c (SOLUTION=1: the reference's)
	@$(PROGRAMS)/param_table $(if $(HIDDEN),--hidden $(HIDDEN))
