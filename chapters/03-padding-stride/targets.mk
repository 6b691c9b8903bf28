# Chapter 03's top-level command (included by the Makefile).
.PHONY: conv-sizes
conv-sizes: ## print chapter 03's output sizes and padded/strided outputs (SIZE="n k pad stride"; SOLUTION=1)
	@$(MAKE) -s chapter CH=03 SOLUTION=$(SOLUTION) >/dev/null
	@$(BUILD)/$(if $(filter 1,$(SOLUTION)),solution,student)/03-padding-stride/bin/conv_sizes $(SIZE)
