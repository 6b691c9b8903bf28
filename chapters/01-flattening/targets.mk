# Chapter 01's top-level command (included by the Makefile).
.PHONY: param-table
param-table: ## print chapter 01's parameter table (SOLUTION=1: the reference's)
	@$(MAKE) -s chapter CH=01 SOLUTION=$(SOLUTION) >/dev/null
	@$(BUILD)/$(if $(filter 1,$(SOLUTION)),solution,student)/01-flattening/bin/param_table $(if $(HIDDEN),--hidden $(HIDDEN))
