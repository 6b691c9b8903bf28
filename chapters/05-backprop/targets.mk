# targets.mk -- chapter 05's top-level commands (included by the Makefile).
# They build and run the reference solution's programs; STUDENT=1 runs the
# same programs built from your chapters/05-backprop files instead.
MODEL ?= cnn
DATA ?= digits
EPOCHS ?=
THREADS ?=
CH05_BIN = $(BUILD)/$(if $(filter 1,$(STUDENT)),student,solution)/05-backprop/bin
CH05_BUILD = $(MAKE) -s chapter CH=05 SOLUTION=$(if $(filter 1,$(STUDENT)),0,1) >/dev/null

.PHONY: train verdict train-bench
train: ## train a model: make train MODEL=cnn|mlp DATA=digits|fashion-mnist|cifar10 [EPOCHS=N THREADS=N]
	@$(CH05_BUILD)
	@$(CH05_BIN)/train --model $(MODEL) --data $(DATA) $(if $(EPOCHS),--epochs $(EPOCHS)) $(if $(THREADS),--threads $(THREADS))

verdict: ## MLP vs CNN, trained on the same data: make verdict [DATA=digits|fashion-mnist|cifar10]
	@$(CH05_BUILD)
	@$(CH05_BIN)/verdict --data $(DATA) $(if $(EPOCHS),--epochs $(EPOCHS)) $(if $(THREADS),--threads $(THREADS))

train-bench: ## training speed (images/s) of chapter 05's models beside PyTorch: [DATA=cifar10 THREADS=N BATCHES="32 64"]
	@$(CH05_BUILD)
	@chapters/05-backprop/bench/bench.sh $(CH05_BIN) $(if $(DATA),$(DATA))
