# targets.mk -- chapter 08's top-level commands (included by the Makefile).
# They run your network with your batch norm (your code for every chapter
# you have started, the reference for the others; SOLUTION=1: the reference
# throughout). DATA, EPOCHS, THREADS and LAYERS as for make train; PART=batchnorm
# or PART=transfer runs one of its two comparisons.
.PHONY: realworld
realworld: programs ## batch norm, augmentation, transfer learning compared: make realworld [DATA=digits|fashion-mnist|cifar10] [PART=batchnorm|transfer]
	@$(PROGRAMS)/realworld --data $(DATA) $(CH05_OPTIONS) $(if $(PART),--part $(PART))
