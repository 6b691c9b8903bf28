# Chapter 02's top-level command (included by the Makefile).
.PHONY: conv-demo
conv-demo: ## print chapter 02's worked example, computed by your conv_single.c (SOLUTION=1: the reference's)
	@$(MAKE) -s chapter CH=02 SOLUTION=$(SOLUTION) >/dev/null
	@$(BUILD)/$(if $(filter 1,$(SOLUTION)),solution,student)/02-convolution/bin/conv_demo
