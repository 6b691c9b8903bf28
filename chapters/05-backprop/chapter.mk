# chapter.mk -- chapter 05 (backprop) builds on the convolution of chapter 03
# and the pooling of chapter 04 (their solutions are linked in). Its programs
# (train, verdict, figdata) also link chapter 06's fast convolution, which
# model.c picks up through weak symbols; the tests do not, so a grade never
# depends on chapter 06. -O3 lets the compiler vectorise the inner loops of
# the dense and convolution passes (the loops never reorder a sum).
CHAPTER_DEPS = 03-padding-stride 04-pooling
CHAPTER_PROGRAM_DEPS = 06-fast-conv
CHAPTER_CFLAGS = -O3
