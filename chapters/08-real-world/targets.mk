# targets.mk -- chapter 08's top-level commands (included by the Makefile).
# They run your network with your batch norm (your code for every chapter
# you have started, the reference for the others; SOLUTION=1: the reference
# throughout). DATA, EPOCHS, THREADS and LAYERS as for make train.
.PHONY: realworld
realworld: programs ## the CNN, + batch norm, + augmentation, same data and epochs: make realworld [DATA=digits|fashion-mnist|cifar10]
	@$(PROGRAMS)/realworld --data $(DATA) $(CH05_OPTIONS)
