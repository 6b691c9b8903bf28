# Chapter 03 builds on no earlier chapter's code, but its tests, figure and
# conv_sizes program reuse chapter 02's worked example (tutorial_example.h:
# data only, the 5x5 input and the edge kernel).
CHAPTER_CFLAGS = -I$(call reference_dir,02-convolution)
