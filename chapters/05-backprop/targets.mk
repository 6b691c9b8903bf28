# targets.mk -- chapter 05's top-level commands (included by the Makefile).
# They run your network: your code for every chapter you have started, the
# reference for the others, and say which before they train (SOLUTION=1:
# the reference throughout). LAYERS=naive|fast picks the layer table.
MODEL ?= cnn
DATA ?= digits
EPOCHS ?=
THREADS ?=
LAYERS ?=
CH05_OPTIONS = $(if $(EPOCHS),--epochs $(EPOCHS)) $(if $(THREADS),--threads $(THREADS)) $(if $(LAYERS),--layers $(LAYERS))

.PHONY: train verdict train-bench
train: programs ## train your network: make train MODEL=cnn|mlp DATA=digits|fashion-mnist|cifar10 [EPOCHS=N THREADS=N LAYERS=naive|fast]
	@$(PROGRAMS)/train --model $(MODEL) --data $(DATA) $(CH05_OPTIONS)

verdict: programs ## MLP vs CNN, trained on the same data: make verdict [DATA=digits|fashion-mnist|cifar10]
	@$(PROGRAMS)/verdict --data $(DATA) $(CH05_OPTIONS)

train-bench: programs ##! training speed (images/s) of the two models beside PyTorch: [DATA=cifar10 THREADS=N BATCHES="32 64"]
	@chapters/05-backprop/bench/bench.sh $(PROGRAMS) $(if $(DATA),$(DATA))
