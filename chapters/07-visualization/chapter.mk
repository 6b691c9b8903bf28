# chapter.mk -- chapter 07 builds on chapter 03's conv2d_forward.
CHAPTER_DEPS = 03-padding-stride
