# Chapter 04's top-level command (included by the Makefile).
.PHONY: pool-demo
pool-demo: ## print the numbers of chapter 04's lesson from your pooling code (SOLUTION=1: the reference's)
	@$(MAKE) -s chapter CH=04 SOLUTION=$(SOLUTION) >/dev/null
	@$(BUILD)/$(if $(filter 1,$(SOLUTION)),solution,student)/04-pooling/bin/pool_demo
