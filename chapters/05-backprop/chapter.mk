# chapter.mk -- chapter 05 (backprop) builds on the convolution of chapter 03
# and the pooling of chapter 04 (their solutions are linked into its tests),
# and on the network framework: train_step drives common/network's model,
# whose naive table calls your layers. -O3 lets the compiler vectorise the
# inner loops of the dense and convolution passes (the loops never reorder a
# sum).
CHAPTER_DEPS = 03-padding-stride 04-pooling
CHAPTER_NETWORK = model layers_naive epochs
CHAPTER_CFLAGS = -O3
