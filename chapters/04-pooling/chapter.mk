CHAPTER_DEPS = 03-padding-stride
