# chapter.mk -- chapter 08 (real-world datasets) builds on chapters 03-05:
# its network test runs a conv-BN-ReLU network through common/network's
# model, whose naive table calls those chapters' solutions, with your batch
# norm added (layers_batchnorm.c); its transfer tests build chapter 05's
# CNN and update it with chapter 05's sgd_step.
CHAPTER_DEPS = 03-padding-stride 04-pooling 05-backprop
CHAPTER_NETWORK = model layers_naive layers_batchnorm epochs
CHAPTER_CFLAGS = -O3
