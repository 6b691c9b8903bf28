# lib.mk -- how the core library is built (included by Makefile and chapter.mk).

$(LIB): $(CORE_OBJS)
	@mkdir -p $(@D)
	@rm -f $@
	$(AR) rcs $@ $^

$(TESTLIB): $(TESTLIB_OBJS)
	@mkdir -p $(@D)
	@rm -f $@
	$(AR) rcs $@ $^

$(TESTLIB_OBJS) $(RECORD_OBJ): CFLAGS_EXTRA := $(CRITERION_CFLAGS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) $(CFLAGS_EXTRA) -MMD -MP -c $< -o $@

-include $(CORE_OBJS:.o=.d) $(TESTLIB_OBJS:.o=.d) $(RECORD_OBJ:.o=.d)
