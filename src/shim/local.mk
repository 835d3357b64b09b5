# minirun-shim: the per-container shim (issue 10). Included from Makefile.am.
# The shim's modules are a library of their own, so that the unit tests and
# the fuzz target link exactly the code the program runs.
noinst_LIBRARIES += src/shim/libshim.a
src_shim_libshim_a_SOURCES = \
	src/shim/buf.c src/shim/buf.h \
	src/shim/loop.c src/shim/loop.h \
	src/shim/spawn.c src/shim/spawn.h \
	src/shim/proc.c src/shim/proc.h \
	src/shim/runtime.c src/shim/runtime.h \
	src/shim/console.c src/shim/console.h \
	src/shim/crilog.c src/shim/crilog-read.c src/shim/crilog.h \
	src/shim/proto.c src/shim/proto.h \
	src/shim/container.c src/shim/container-exec.c src/shim/container-state.c \
	src/shim/container.h src/shim/container-internal.h \
	src/shim/server.c src/shim/ops.c src/shim/streams.c src/shim/logs.c \
	src/shim/server.h src/shim/server-internal.h
SHIM_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/src
src_shim_libshim_a_CPPFLAGS = $(SHIM_CPPFLAGS)
SHIM_LIB = src/shim/libshim.a src/lib/libminirun.a

bin_PROGRAMS = minirun-shim
minirun_shim_SOURCES = src/shim/main.c src/shim/options.c src/shim/options.h src/shim/detach.c src/shim/detach.h \
	src/shim/ctl.c src/shim/ctl.h
minirun_shim_CPPFLAGS = $(SHIM_CPPFLAGS)
minirun_shim_LDADD = $(SHIM_LIB) $(MINIRUN_LIBS) $(CAP_LIBS) $(MOUNT_LIBS)

# ---- its tests
SHIM_UNIT_TESTS = tests/unit/test-shim-crilog tests/unit/test-shim-proto
check_PROGRAMS += $(SHIM_UNIT_TESTS)
TESTS += $(SHIM_UNIT_TESTS)
tests_unit_test_shim_crilog_SOURCES = tests/unit/test-shim-crilog.c tests/unit/tap.h
tests_unit_test_shim_crilog_CPPFLAGS = $(SHIM_CPPFLAGS)
tests_unit_test_shim_crilog_LDADD = $(SHIM_LIB) $(TEST_LIB)
tests_unit_test_shim_proto_SOURCES = tests/unit/test-shim-proto.c tests/unit/tap.h
tests_unit_test_shim_proto_CPPFLAGS = $(SHIM_CPPFLAGS)
tests_unit_test_shim_proto_LDADD = $(SHIM_LIB) $(TEST_LIB)
SCRIPT_TESTS += tests/integration/shim.bats tests/integration/shim-robust.bats
EXTRA_DIST += tests/integration/shim-helpers.bash tests/schema/check-shim-protocol.py src/shim/local.mk
AM_TESTS_ENVIRONMENT += export MINIRUN_SHIM='$(abs_top_builddir)/minirun-shim';
man_MANS += man/minirun-shim.8
man/minirun-shim.8: $(top_srcdir)/man/minirun-shim.8.md
	$(AM_V_GEN)$(MKDIR_P) man && $(GO_MD2MAN) -in $< -out $@
CLEANFILES += man/minirun-shim.8
EXTRA_DIST += man/minirun-shim.8.md

# ---- its fuzz target (configure --enable-fuzzing CC=clang; .ci/run's fuzz lane)
if FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-shim-proto
tests_fuzz_fuzz_shim_proto_SOURCES = tests/fuzz/fuzz-shim-proto.c
tests_fuzz_fuzz_shim_proto_CPPFLAGS = $(SHIM_CPPFLAGS)
tests_fuzz_fuzz_shim_proto_CFLAGS = $(AM_CFLAGS) $(FUZZ_FLAGS)
tests_fuzz_fuzz_shim_proto_LDFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_shim_proto_LDADD = $(SHIM_LIB) $(TEST_LIB)
endif
