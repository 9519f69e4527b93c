# edgeguard: one plain Makefile.  CFLAGS/LDFLAGS are the packager's; the
# warning set, feature macros and hardening are added with `override`.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
# For the engine plugin's units (Debian 12's systemd looks in /lib too).
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
DESTDIR ?=
# The one place the version is written; debian/changelog must agree (the
# package build and tests/deb_test.sh check it).
VERSION := $(shell sed -n 's/^\#define EDGEGUARD_VERSION "\(.*\)"$$/\1/p' shim/version.h)
CC ?= cc
SAN_CC ?= clang
PKG_CONFIG ?= pkg-config
CFLAGS ?= -O2 -g
WERROR ?= -Werror
export ASAN_OPTIONS ?= detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS ?= print_stacktrace=1

PKGS := yajl libseccomp libcap libarchive
# the engine plugin alone links libmicrohttpd, dynamically: the runtime stays lean
AUTHZ_CFLAGS := $(shell $(PKG_CONFIG) --cflags libmicrohttpd)
AUTHZ_LIBS := $(shell $(PKG_CONFIG) --libs libmicrohttpd) -lpthread
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS))
PKG_LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS))

# edgeguard runs before every runc call, so its start-up is its cost: the
# dynamic loader's symbol binding for libc and the three libraries is about
# 200 k instructions, more than all of a pass-through.  It is therefore a
# static PIE (ASLR and full RELRO kept); LINK=dynamic links it the usual way.
# Debian ships libyajl_s.a, libseccomp.a and libcap.a in the -dev packages.
# Image reading (oci/image_fs_tar.c, layer_stream.c, image_source.c) uses
# libarchive; Debian's libarchive.a links statically with only the
# compressors image layers use (the reader enables gzip, zstd, xz, bzip2
# and the tar formats alone: no libacl, liblz4, libxml2 or nettle is
# pulled in).  Decided to link it into edgeguard (`check --archive`/`--oci`
# read images) rather than into a second program: the 76 archive members
# linked add 131 relative relocations, ~1.8 k instructions of
# _dl_relocate_static_pie on every runc call (about 2 % of a pass-through:
# callgrind counts ~14 instructions a relocation there), and no extra page
# faults measured; nothing else
# of it runs unless an image is read.
LINK ?= static
ifeq ($(LINK),static)
EDGEGUARD_LDFLAGS := -static-pie
EDGEGUARD_LIBS := -lyajl_s -lseccomp -lcap -larchive -lz -llzma -lbz2 -lzstd
else ifeq ($(LINK),dynamic)
EDGEGUARD_LDFLAGS := -pie
EDGEGUARD_LIBS := $(PKG_LIBS)
else
$(error LINK must be static or dynamic, not "$(LINK)")
endif

WARNINGS := -Wall -Wextra $(WERROR) -Wformat=2 -Wformat-nonliteral -Wshadow \
	-Wstrict-prototypes -Wmissing-prototypes -Wmissing-declarations -Wpointer-arith \
	-Wvla -Wundef -Wwrite-strings -Wcast-align -Wnull-dereference -Wimplicit-fallthrough

override CFLAGS += -std=c11 -D_GNU_SOURCE $(WARNINGS) $(PKG_CFLAGS) -fstack-protector-strong -fPIE -MMD -MP
override LDFLAGS += -Wl,-z,relro,-z,now -Wl,--as-needed
LDLIBS := $(PKG_LIBS)

LIB_SRCS := $(wildcard oci/*.c policy/*.c)
SHIM_SRCS := $(filter-out shim/main.c,$(wildcard shim/*.c))
AUTHZ_SRCS := $(wildcard shim/authz/*.c)
UNIT_SRCS := $(wildcard tests/*_test.c)
HELPER_SRCS := $(wildcard tests/helpers/*.c)
FUZZ_SRCS := $(wildcard tests/fuzz/*_fuzz.c)

# Three build trees: the release one, one with ASan+UBSan for `make check`,
# and the libFuzzer one (ASan+UBSan and coverage) for `make fuzz`.
B := build
S := build-san
F := build-fuzz
SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_FLAGS := $(SAN_FLAGS) -fsanitize=fuzzer-no-link

lib_objs = $(patsubst %.c,$(1)/%.o,$(LIB_SRCS))
shim_objs = $(patsubst %.c,$(1)/%.o,$(SHIM_SRCS))

UNIT_BINS := $(patsubst tests/%.c,$(B)/tests/%,$(UNIT_SRCS))
# valgrind runs programs ~50x slower: the time bound is not its to check
# valgrind 3.19 cannot exec the IA32 probe (no execveat, a memfd's
# /proc/self/fd path unresolved): it runs in ASan and plain builds
VALGRIND_BINS := $(filter-out $(B)/tests/bound_test $(B)/tests/ia32_probe_test,$(UNIT_BINS))
SAN_UNIT_BINS := $(patsubst tests/%.c,$(S)/tests/%,$(UNIT_SRCS))
HELPER_BINS := $(patsubst tests/helpers/%.c,$(B)/helpers/%,$(HELPER_SRCS))
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(F)/fuzz/%,$(FUZZ_SRCS))

.PHONY: windows all demo check check-build unit unit-san unit-valgrind integration peer-test fuzz bench install man deb version clean format format-check lint
all: edgeguard edgeguard-authz

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(S)/%.o: %.c
	@mkdir -p $(dir $@)
	$(SAN_CC) $(CFLAGS) $(SAN_FLAGS) -c -o $@ $<

$(B)/libedgeguard.a: $(call lib_objs,$(B))
	$(AR) rcs $@ $^
$(B)/libshim.a: $(call shim_objs,$(B))
	$(AR) rcs $@ $^
$(S)/libedgeguard.a: $(call lib_objs,$(S))
	$(AR) rcs $@ $^
$(S)/libshim.a: $(call shim_objs,$(S))
	$(AR) rcs $@ $^

$(F)/%.o: %.c
	@mkdir -p $(dir $@)
	$(SAN_CC) $(CFLAGS) $(FUZZ_FLAGS) -c -o $@ $<
$(F)/libedgeguard.a: $(call lib_objs,$(F))
	$(AR) rcs $@ $^
$(F)/libshim.a: $(call shim_objs,$(F))
	$(AR) rcs $@ $^
$(F)/fuzz/%: $(F)/tests/fuzz/%.o $(F)/tests/fuzz/fuzz_files.o $(F)/libshim.a $(F)/libedgeguard.a
	@mkdir -p $(dir $@)
	$(SAN_CC) $(CFLAGS) $(SAN_FLAGS) -fsanitize=fuzzer $(LDFLAGS) -pie -o $@ $^ $(LDLIBS)

edgeguard: $(B)/shim/main.o $(B)/libshim.a $(B)/libedgeguard.a $(B)/link.stamp
	$(CC) $(CFLAGS) $(LDFLAGS) $(EDGEGUARD_LDFLAGS) -o $@ $(filter %.o %.a,$^) $(EDGEGUARD_LIBS)

$(B)/shim/authz/%.o: shim/authz/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(AUTHZ_CFLAGS) -c -o $@ $<

edgeguard-authz: $(patsubst %.c,$(B)/%.o,$(AUTHZ_SRCS)) $(B)/libshim.a $(B)/libedgeguard.a
	$(CC) $(CFLAGS) $(LDFLAGS) -pie -o $@ $^ $(LDLIBS) $(AUTHZ_LIBS)

# Rewritten (when make reads this file) only when LINK changes, so that
# edgeguard is relinked then.
$(shell mkdir -p $(B) && echo "$(LINK)" | cmp -s - $(B)/link.stamp || echo "$(LINK)" >$(B)/link.stamp)

$(B)/tests/%: $(B)/tests/%.o $(B)/libshim.a $(B)/libedgeguard.a
	$(CC) $(CFLAGS) $(LDFLAGS) -pie -o $@ $^ $(LDLIBS)

$(S)/tests/%: $(S)/tests/%.o $(S)/libshim.a $(S)/libedgeguard.a
	$(SAN_CC) $(CFLAGS) $(SAN_FLAGS) $(LDFLAGS) -pie -o $@ $^ $(LDLIBS)

$(B)/helpers/%: tests/helpers/%.c $(B)/libshim.a $(B)/libedgeguard.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -pie -o $@ $^ $(LDLIBS)

# The engine plugin for Windows x86-64, cross-built with mingw-w64 (README
# "Windows").  Its two libraries come from Debian's source packages
# (hack/windows-deps.sh, cached under $(W)); the portable decision core is
# this list: the files that read an AuthZ request, the policy, decide and
# record, compiled as they are, with shim/win/ standing in for the POSIX
# and libcap/libseccomp calls they make (compat.h, forced in) and for the
# Linux-only edges (listener, dockerd transport, decision log, repeat
# table, main).
W := $(B)/windows
WIN_CC := x86_64-w64-mingw32-gcc
WIN_AR := x86_64-w64-mingw32-ar
WIN_SYSROOT := $(W)/sysroot
WIN_DEPS := $(W)/.complete
WIN_CORE_SRCS := oci/authz_json.c oci/authz_request.c oci/binfmt.c oci/capability.c \
	oci/elf.c oci/error.c oci/gofold.c oci/host.c oci/json_prescan.c oci/json_syntax.c \
	oci/json_strict.c oci/json_tree.c oci/platform.c oci/rfc3339.c oci/scmp_arch.c oci/sha256.c oci/small_file.c \
	oci/spec.c oci/spec_parse.c oci/path.c oci/exe.c oci/hooks.c oci/pe.c oci/shebang.c \
	oci/spec_keyset.c oci/str.c oci/utf8.c oci/whole_file.c oci/device_cgroup.c \
	policy/authz_decide.c policy/decide.c policy/describe.c policy/hooks_rule.c policy/policy_file.c \
	policy/privilege.c policy/reason.c policy/record.c policy/repeat.c \
	shim/options.c shim/policy_load.c \
	shim/win/posix.c shim/win/decision_log_win.c shim/win/repeat_state_win.c shim/win/host_win.c \
	shim/win/rootfs_win.c
WIN_PLUGIN_SRCS := shim/authz/authz_check.c shim/authz/docker_api.c shim/authz/judge.c \
	shim/authz/server.c shim/win/docker_transport_pipe.c shim/win/listen_tcp.c \
	shim/win/main_win.c shim/win/image_binaries_none.c
# printf's format attribute means MSVCRT's on mingw (no %zu), while the
# ANSI stdio above (__USE_MINGW_ANSI_STDIO) formats as glibc does: formats
# are checked by the Linux build of the same files.
WIN_WARNINGS := $(filter-out -Wformat=2 -Wformat-nonliteral,$(WARNINGS)) -Wno-format
WIN_CFLAGS := -O2 -g -ffunction-sections -fdata-sections -std=c11 -D_GNU_SOURCE -D__USE_MINGW_ANSI_STDIO=1 -D_WIN32_WINNT=0x0601 \
	$(WIN_WARNINGS) -I$(WIN_SYSROOT)/include -I$(WIN_SYSROOT)/include/yajl -Ishim/win/include \
	-include shim/win/compat.h -fstack-protector-strong -MMD -MP
# static: the .exe imports only system DLLs (winpthread and libssp linked in);
# libmicrohttpd's .pc omits ws2_32
WIN_LDFLAGS := -static -Wl,--gc-sections,--dynamicbase,--nxcompat,--high-entropy-va
WIN_LIBS := -L$(WIN_SYSROOT)/lib -lmicrohttpd -lyajl_s -lws2_32 -lssp -lpthread
WIN_UNIT_SRCS := tests/authz_request_test.c
WIN_UNIT_BINS := $(patsubst tests/%.c,$(W)/tests/%.exe,$(WIN_UNIT_SRCS))

$(WIN_DEPS): hack/windows-deps.sh
	rm -f $@
	hack/windows-deps.sh $(W)
$(W)/obj/%.o: %.c $(WIN_DEPS)
	@mkdir -p $(dir $@)
	$(WIN_CC) $(WIN_CFLAGS) -c -o $@ $<
# (and the Makefile: the list above is its content; .SECONDARY keeps make
# from seeing a new member as missing)
$(W)/libcore.a: $(patsubst %.c,$(W)/obj/%.o,$(WIN_CORE_SRCS)) Makefile
	@rm -f $@
	$(WIN_AR) rcs $@ $(filter %.o,$^)
$(W)/edgeguard-authz.exe: $(patsubst %.c,$(W)/obj/%.o,$(WIN_PLUGIN_SRCS)) $(W)/libcore.a
	$(WIN_CC) $(WIN_CFLAGS) $(WIN_LDFLAGS) -o $@ $^ $(WIN_LIBS)
$(W)/tests/%.exe: $(W)/obj/tests/%.o $(W)/libcore.a
	@mkdir -p $(dir $@)
	$(WIN_CC) $(WIN_CFLAGS) $(WIN_LDFLAGS) -o $@ $^ $(WIN_LIBS)
# LGPL-2.1 6(a) for the static libmicrohttpd: what relinking needs
# (README "Windows"), shipped with the .exe.
WIN_PLUGIN_OBJS := $(patsubst %.c,$(W)/obj/%.o,$(WIN_PLUGIN_SRCS))
$(W)/relink/relink.sh: $(W)/edgeguard-authz.exe hack/windows-relink.sh
	rm -rf $(W)/relink
	mkdir -p $(W)/relink/obj $(W)/relink/lib $(W)/relink/source
	cp $(WIN_PLUGIN_OBJS) $(W)/libcore.a $(W)/relink/obj/
	cp $(WIN_SYSROOT)/lib/libyajl_s.a $(W)/relink/lib/
	cp $(W)/src/libmicrohttpd_* $(W)/relink/source/
	cp $(WIN_SYSROOT)/libmicrohttpd-COPYING $(WIN_SYSROOT)/yajl-COPYING $(W)/relink/
	cp hack/windows-relink.sh $@
# dockerd's Windows pipe, for tests/windows_plugin_test.sh
$(W)/tests/fake_engine.exe: tests/win/fake_engine.c $(WIN_DEPS)
	@mkdir -p $(dir $@)
	$(WIN_CC) $(WIN_CFLAGS) $(WIN_LDFLAGS) -o $@ $<
windows: $(W)/edgeguard-authz.exe $(W)/relink/relink.sh $(WIN_UNIT_BINS) $(W)/tests/fake_engine.exe

# Real executables for eight architectures from Debian's archive, for the
# identification tests; fetched once into the build tree.
FOREIGN := $(B)/foreign/.complete
$(FOREIGN): hack/fetch-foreign-binaries.sh
	hack/fetch-foreign-binaries.sh $(B)/foreign
	@touch $@

# moby 20.10's own plugin discovery, API server, authorization middleware
# and client (tests/mobyclient), built from Debian's Go source for Linux and
# Windows; the Go build cache is $(B)/mobyclient/gocache.
MOBYCLIENT := $(B)/mobyclient/mobyclient.exe
MOBYCLIENT_SRCS := $(shell find tests/mobyclient -name '*.go')
$(MOBYCLIENT): hack/mobyclient-build.sh $(MOBYCLIENT_SRCS)
	hack/mobyclient-build.sh $(B)/mobyclient
.PHONY: moby-client-test
moby-client-test: edgeguard-authz windows $(MOBYCLIENT) $(HELPER_BINS)
	@tests/run --suite integration tests/windows_moby_client_test.sh

# Every suite prints "N passed, N failed"; tests/run sums them into one line.
VALGRIND := valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect
unit: $(UNIT_BINS) $(FOREIGN)
	@tests/run --suite unit $(UNIT_BINS)
unit-san: $(SAN_UNIT_BINS) $(FOREIGN)
	@tests/run --suite asan+ubsan $(SAN_UNIT_BINS)
unit-valgrind: $(VALGRIND_BINS) $(FOREIGN)
	@tests/run --suite valgrind --wrap "$(VALGRIND)" $(VALGRIND_BINS)
integration: edgeguard edgeguard-authz windows $(UNIT_BINS) $(HELPER_BINS) $(MOBYCLIENT)
	@tests/run --suite integration $(wildcard tests/*_test.sh)

# libFuzzer, every parser: FUZZ_SECONDS each (make check: a 20 s smoke).
FUZZ_SECONDS ?= 300
fuzz: $(FUZZ_BINS) $(FOREIGN)
	@tests/run --suite fuzz --wrap "hack/fuzz.sh $(FUZZ_SECONDS)" $(FUZZ_BINS)

# What the tests need, built JOBS at a time (the foreign binaries' download
# and the Windows dependencies' cross build overlap the compiles): a fresh
# tree's build is most of a CI run's first quarter.
JOBS ?= $(shell nproc)
check-build: edgeguard edgeguard-authz windows $(UNIT_BINS) $(SAN_UNIT_BINS) $(HELPER_BINS) $(FUZZ_BINS) $(FOREIGN) $(MOBYCLIENT)

check:
	@$(MAKE) --no-print-directory -j$(JOBS) check-build
	@tests/run \
		--suite unit $(UNIT_BINS) \
		--suite asan+ubsan $(SAN_UNIT_BINS) \
		--suite valgrind --wrap "$(VALGRIND)" $(VALGRIND_BINS) \
		--suite integration $(wildcard tests/*_test.sh) \
		--suite fuzz --wrap "hack/fuzz.sh 20" $(FUZZ_BINS) \
		--suite peer hack/peer-test.sh

# runc's own integration suite, runc alone and through edgeguard: identical
peer-test: edgeguard
	@tests/run --suite peer hack/peer-test.sh

# Benchmarks against runc (never a test): hack/bench.sh [RUNS]
BENCH_RUNS ?= 101
# MiB of the gzip layer `edgeguard check --oci` reads (hack/bench-image.sh)
BENCH_IMAGE_MIB ?= 10 100 500
bench: edgeguard edgeguard-authz windows $(HELPER_BINS)
	hack/bench.sh $(BENCH_RUNS)
	hack/bench-authz.sh
	hack/bench-windows.sh
	hack/bench-image.sh $(BENCH_IMAGE_MIB)

demo: edgeguard edgeguard-authz $(HELPER_BINS) $(FOREIGN)
	hack/demo.sh

# Man pages, from scdoc sources; the version is filled in here.
MAN_SRCS := $(wildcard doc/*.scd)
MAN_PAGES := $(patsubst doc/%.scd,$(B)/man/%,$(MAN_SRCS))
man: $(MAN_PAGES)
$(B)/man/%: doc/%.scd shim/version.h
	@mkdir -p $(dir $@)
	sed 's/@VERSION@/$(VERSION)/g' $< | scdoc >$@.tmp && mv $@.tmp $@

# Everything a user gets; the Debian package is made of exactly this (its
# debian/rules runs this target), so a program added here is packaged too.
# A program's page is installed with the program.
INSTALL_MAN_PAGES := $(B)/man/edgeguard.8 $(B)/man/edgeguard-policy.5 $(B)/man/edgeguard-authz.8
install: edgeguard edgeguard-authz $(INSTALL_MAN_PAGES)
	install -D -m 0755 edgeguard $(DESTDIR)$(BINDIR)/edgeguard
	install -D -m 0755 edgeguard-authz $(DESTDIR)$(BINDIR)/edgeguard-authz
	install -D -m 0644 systemd/edgeguard-authz.socket $(DESTDIR)$(SYSTEMDUNITDIR)/edgeguard-authz.socket
	sed 's|/usr/local/bin/|$(BINDIR)/|' systemd/edgeguard-authz.service \
		>$(DESTDIR)$(SYSTEMDUNITDIR)/edgeguard-authz.service
	for page in $(INSTALL_MAN_PAGES); do \
		install -D -m 0644 "$$page" "$(DESTDIR)$(MANDIR)/man$${page##*.}/$${page##*/}" || exit 1; \
	done

version:
	@echo $(VERSION)

# The Debian package, built from a copy of the tree (hack/deb-build.sh) so
# that the package build's clean step never touches this one: the .deb
# lands in $(B)/deb.
deb:
	hack/deb-build.sh $(B)/deb

FORMAT_SRCS = $(wildcard oci/*.[ch] policy/*.[ch] shim/*.[ch] shim/authz/*.[ch] shim/win/*.[ch] shim/win/include/*.h shim/win/include/sys/*.h tests/*.[ch] tests/win/*.c tests/helpers/*.[ch] tests/fuzz/*.[ch])
format:
	clang-format -i $(FORMAT_SRCS)
	gofmt -w $(MOBYCLIENT_SRCS)
format-check:
	clang-format --dry-run --Werror $(FORMAT_SRCS)
	@test -z "$$(gofmt -l $(MOBYCLIENT_SRCS))" || { gofmt -l $(MOBYCLIENT_SRCS); echo "gofmt: run make format"; exit 1; }
lint:
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability --inline-suppr -D_GNU_SOURCE oci policy shim tests
	shellcheck -x -S warning hack/*.sh tests/*.sh tests/run .ci/run

clean:
	rm -rf $(B) $(S) $(F) edgeguard edgeguard-authz

.SECONDARY:
# (not inside the package build's copy of the tree, the Debian root of its
# test or the downloaded executables, which hold directories named *.d)
-include $(shell find $(B) $(S) $(F) \( -path $(B)/deb -o -path $(B)/deb-chroot -o \
	-path $(B)/foreign -o -path $(W)/src \) -prune -o -type f -name '*.d' -print 2>/dev/null)
