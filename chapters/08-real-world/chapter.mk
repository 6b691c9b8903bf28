# chapter.mk -- chapter 08 (real-world datasets) needs only the core: its
# tests check the batch normalisation against PyTorch and against central
# differences (common/gradcheck.h).
CHAPTER_DEPS =
