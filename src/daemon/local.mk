# minirund: the container manager and its Docker Engine API (src/daemon/).
# Included from Makefile.am.

MRD_CFLAGS = $(AM_CFLAGS) $(MHD_CFLAGS) $(SQLITE_CFLAGS) $(UNZIP_CFLAGS) $(NETTLE_CFLAGS)
MRD_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/src/daemon
MRD_LIBS = $(MHD_LIBS) $(SQLITE_LIBS) $(UNZIP_LIBS) $(NETTLE_LIBS)

# Everything but main.c, as a library the tests and fuzzers link too.
noinst_LIBRARIES += src/daemon/libminirund.a
src_daemon_libminirund_a_CFLAGS = $(MRD_CFLAGS)
src_daemon_libminirund_a_CPPFLAGS = $(MRD_CPPFLAGS)
src_daemon_libminirund_a_SOURCES = \
	src/daemon/daemon.h src/daemon/daemon-setup.c src/daemon/daemon-setup.h \
	src/daemon/loop.c src/daemon/loop.h src/daemon/conn.c src/daemon/conn.h \
	src/daemon/times.h src/daemon/fsutil.c src/daemon/fsutil.h \
	src/daemon/http/server.c src/daemon/http/server.h src/daemon/http/internal.h \
	src/daemon/http/request.c src/daemon/http/request.h src/daemon/http/response.c \
	src/daemon/http/upgrade.c src/daemon/http/router.c src/daemon/http/router.h \
	src/daemon/store/store.h src/daemon/store/internal.h src/daemon/store/db.c src/daemon/store/images.c \
	src/daemon/image/digest.c src/daemon/image/digest.h src/daemon/image/decompress.c src/daemon/image/decompress.h src/daemon/image/tar.c src/daemon/image/tar.h \
	src/daemon/image/extract.c src/daemon/image/extract.h src/daemon/image/layers.c src/daemon/image/layers.h \
	src/daemon/image/layer-tar.c src/daemon/image/tar-write.c src/daemon/image/tar-write.h \
	src/daemon/image/images.c src/daemon/image/images.h src/daemon/image/reference.c \
	src/daemon/image/archive.h src/daemon/image/load.c src/daemon/image/save.c src/daemon/image/import.c \
	src/daemon/oci/spec.c src/daemon/oci/spec-check.c src/daemon/oci/spec.h \
	src/daemon/oci/seccomp-profile.c src/daemon/oci/seccomp-profile.h src/daemon/oci/user.c src/daemon/oci/user.h \
	src/daemon/manager/config.h src/daemon/manager/config-parse.c src/daemon/manager/config-write.c \
	src/daemon/manager/ctrs.h src/daemon/manager/internal.h src/daemon/manager/ctrs.c \
	src/daemon/manager/ctr-create.c src/daemon/manager/ctr-inspect.c src/daemon/manager/ctr-run.c \
	src/daemon/manager/ctr-bundle.c src/daemon/image/overlay.c src/daemon/image/overlay.h \
	src/daemon/manager/ctr-ops.c src/daemon/manager/ctr-reconcile.c src/daemon/manager/attach.c src/daemon/manager/attach.h \
	src/daemon/manager/bridge.c src/daemon/manager/bridge.h src/daemon/manager/netns.c src/daemon/manager/netns.h \
	src/daemon/manager/exec.c src/daemon/manager/exec.h src/daemon/manager/stats.c src/daemon/manager/stats.h \
	src/daemon/manager/events.c src/daemon/manager/events.h src/daemon/manager/logs.c src/daemon/manager/logs.h \
	src/daemon/shim/client.c src/daemon/shim/client.h \
	src/daemon/api/api.h src/daemon/api/common.c src/daemon/api/filters.c src/daemon/api/filters.h \
	src/daemon/api/system.c src/daemon/api/images.c src/daemon/api/containers.c src/daemon/api/containers.h \
	src/daemon/api/containers-run.c src/daemon/api/exec.c src/daemon/api/unsupported.c

sbin_PROGRAMS += minirund
minirund_SOURCES = src/daemon/main.c
minirund_CFLAGS = $(MRD_CFLAGS)
minirund_CPPFLAGS = $(MRD_CPPFLAGS)
minirund_LDADD = src/daemon/libminirund.a src/lib/libminirun.a $(LIBS_ALL) $(MRD_LIBS)

# ---- tests
SCRIPT_TESTS += tests/integration/daemon-api.bats tests/integration/daemon-images.bats tests/integration/daemon-containers.bats tests/integration/daemon-restart.bats tests/daemon/docker-py.py
tests/daemon/.dirstamp:
	$(AM_V_at)$(MKDIR_P) $(@D) && touch $@
check_DATA += tests/daemon/.dirstamp
CLEANFILES += tests/daemon/.dirstamp
EXTRA_DIST += tests/integration/daemon-helpers.bash tests/daemon/mkimage.sh tests/daemon/mkarchive.py tests/daemon/slowclient.py
AM_TESTS_ENVIRONMENT += export MINIRUND='$(abs_top_builddir)/minirund'; \
	export MINIRUN_SHIM='$(abs_top_builddir)/minirun-shim';
EXTRA_DIST += tests/fuzz/fuzz-request.c tests/fuzz/fuzz-tar.c bench/daemon.sh

if FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-request tests/fuzz/fuzz-tar
tests_fuzz_fuzz_request_SOURCES = tests/fuzz/fuzz-request.c
tests_fuzz_fuzz_request_CFLAGS = $(MRD_CFLAGS) $(FUZZ_FLAGS)
tests_fuzz_fuzz_request_CPPFLAGS = $(MRD_CPPFLAGS)
tests_fuzz_fuzz_request_LDFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_request_LDADD = src/daemon/libminirund.a $(TEST_LIB) $(MRD_LIBS)
tests_fuzz_fuzz_tar_SOURCES = tests/fuzz/fuzz-tar.c
tests_fuzz_fuzz_tar_CFLAGS = $(MRD_CFLAGS) $(FUZZ_FLAGS)
tests_fuzz_fuzz_tar_CPPFLAGS = $(MRD_CPPFLAGS)
tests_fuzz_fuzz_tar_LDFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_tar_LDADD = src/daemon/libminirund.a $(TEST_LIB) $(MRD_LIBS)
endif

check_PROGRAMS += tests/unit/test-daemon
TESTS += tests/unit/test-daemon
tests_unit_test_daemon_SOURCES = tests/unit/test-daemon.c tests/unit/tap.h
tests_unit_test_daemon_CFLAGS = $(MRD_CFLAGS)
tests_unit_test_daemon_CPPFLAGS = $(MRD_CPPFLAGS)
tests_unit_test_daemon_LDADD = src/daemon/libminirund.a $(TEST_LIB) $(MRD_LIBS)

check_PROGRAMS += tests/unit/test-daemon-spec
TESTS += tests/unit/test-daemon-spec
tests_unit_test_daemon_spec_SOURCES = tests/unit/test-daemon-spec.c tests/unit/tap.h
tests_unit_test_daemon_spec_CFLAGS = $(MRD_CFLAGS)
tests_unit_test_daemon_spec_CPPFLAGS = $(MRD_CPPFLAGS)
tests_unit_test_daemon_spec_LDADD = src/daemon/libminirund.a $(TEST_LIB) $(MRD_LIBS)

check_PROGRAMS += tests/unit/test-daemon-netns
TESTS += tests/unit/test-daemon-netns
tests_unit_test_daemon_netns_SOURCES = tests/unit/test-daemon-netns.c tests/unit/tap.h
tests_unit_test_daemon_netns_CFLAGS = $(MRD_CFLAGS)
tests_unit_test_daemon_netns_CPPFLAGS = $(MRD_CPPFLAGS)
tests_unit_test_daemon_netns_LDADD = src/daemon/libminirund.a $(TEST_LIB) $(MRD_LIBS)

# ---- man page
man_MANS += man/minirund.8
EXTRA_DIST += man/minirund.8.md
man/minirund.8: $(top_srcdir)/man/minirund.8.md
	$(AM_V_GEN)$(MKDIR_P) man && \
	if test -n "$(GO_MD2MAN)"; then $(GO_MD2MAN) -in $< -out $@; \
	else echo "go-md2man is needed to build man pages (apt-get install go-md2man)" >&2; exit 1; fi
CLEANFILES += man/minirund.8
