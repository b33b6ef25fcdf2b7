# nslab build. `make` builds ./nslab (and the default rootfs when missing),
# `make check` runs every test, `make SANITIZE=1 check` does so under ASan+UBSan.

CC      ?= gcc
PREFIX  ?= /usr/local
DESTDIR ?=
PKG_CONFIG ?= pkg-config

# libarchive is compiled against but loaded with dlopen on `rootfs import`
# (src/core/archive_lib.c): linking it would bring libxml2, ICU and the C++
# runtime into every nslab. Unit tests link it to build their tarballs.
PKGS := readline ncursesw json-c libcap
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) libarchive)
# LINK=static (the default) links readline, ncurses, json-c and libcap from
# the archives their Debian -dev packages ship: nslab then maps libc only, and
# every `nslab run` saves the loader's work and the page faults of five more
# objects (scripts/bench.sh measures it). rtnetlink needs no library
# (src/core/netlink.c).
# LINK=shared links them all as shared libraries, as a distribution would.
LINK ?= static
STATIC_PKGS := readline ncursesw json-c libcap
ifeq ($(LINK),static)
PKG_LIBS := -Wl,-Bstatic $(filter-out -ldl,$(shell $(PKG_CONFIG) --static --libs-only-l $(STATIC_PKGS))) -Wl,-Bdynamic
else
PKG_LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS))
endif
TEST_LIBS  := $(shell $(PKG_CONFIG) --libs libarchive)

VERSION := $(shell cat VERSION 2>/dev/null || echo 0.1.0)
DATADIR := $(PREFIX)/share/nslab

WARN   := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-format-nonliteral -Wno-format-truncation
CFLAGS ?= -O2 -g
override CFLAGS += -std=gnu11 $(WARN) -Iinclude -Isrc -D_GNU_SOURCE \
	-DNSLAB_VERSION='"$(VERSION)"' -DNSLAB_DATADIR='"$(DATADIR)"' $(PKG_CFLAGS)
LDLIBS += $(PKG_LIBS)

ifeq ($(SANITIZE),1)
BUILD  := build/san
override CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
override LDFLAGS += -fsanitize=address,undefined
NSLAB_BIN := $(BUILD)/nslab
else
BUILD  := build/obj
NSLAB_BIN := nslab
endif

CORE_SRC := $(wildcard src/core/*.c)
CLI_SRC  := $(wildcard src/cli/*.c) $(wildcard src/tui/*.c)
CORE_OBJ := $(CORE_SRC:src/%.c=$(BUILD)/%.o)
CLI_OBJ  := $(CLI_SRC:src/%.c=$(BUILD)/%.o)
CORE_LIB := $(BUILD)/libnslab-core.a

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

# The syscall name table depends only on the architecture CC targets, so it
# is shared by build/obj and build/san.
GEN := build/gen
override CFLAGS += -I$(GEN)

HELPERS := build/helpers/nsinfo build/helpers/hungry build/helpers/escape
ROOTFS  := build/rootfs

.PHONY: all rootfs check check-all unit install clean distclean format bench

all: $(NSLAB_BIN) $(ROOTFS)/.nslab-rootfs

$(BUILD)/%.o: src/%.c $(wildcard include/nslab/*.h src/cli/*.h src/core/*.h src/tui/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(GEN)/syscall_names.h: scripts/gen-syscalls.sh
	@mkdir -p $(dir $@)
	sh scripts/gen-syscalls.sh '$(CC)' $@

$(BUILD)/core/syscalls.o: $(GEN)/syscall_names.h

$(CORE_LIB): $(CORE_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(NSLAB_BIN): $(CLI_OBJ) $(CORE_LIB)
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(CORE_LIB) $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/check.h $(CORE_LIB) $(filter-out $(BUILD)/cli/main.o,$(CLI_OBJ))
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(filter-out $(BUILD)/cli/main.o,$(CLI_OBJ)) $(CORE_LIB) $(LDLIBS) $(TEST_LIBS)

# Helper programs that live in the rootfs: static, so the rootfs needs no libc.
build/helpers/%: helpers/%.c
	@mkdir -p $(dir $@)
	$(CC) -static -std=gnu11 -O2 -Wall -Wextra -Werror -o $@ $<

rootfs: $(HELPERS)
	scripts/mkrootfs.sh $(ROOTFS) build/helpers

$(ROOTFS)/.nslab-rootfs: $(HELPERS) scripts/mkrootfs.sh
	scripts/mkrootfs.sh $(ROOTFS) build/helpers

unit: $(UNIT_BIN)

check: all $(UNIT_BIN)
	NSLAB=$(abspath $(NSLAB_BIN)) UNIT_DIR=$(abspath $(BUILD)/tests) \
		ROOTFS=$(abspath $(ROOTFS)) tests/run.sh

# What CI runs: the suite on the normal build and on the ASan+UBSan build.
check-all:
	$(MAKE) all unit
	$(MAKE) SANITIZE=1 all unit
	tests/check-all.sh

# Benchmarks print ratios against peers measured in the same run; never pass/fail.
# BENCH picks which (launch, trace, watch): `make bench BENCH=trace`.
# launch is scripts/bench.sh, which ends with scripts/bench-watch.sh.
BENCH ?= launch trace
bench: all
	@set -e; for b in $(BENCH); do \
		case $$b in launch) scripts/bench.sh ;; *) scripts/bench-$$b.sh ;; esac; done

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(DATADIR) \
		$(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 0755 $(NSLAB_BIN) $(DESTDIR)$(PREFIX)/bin/nslab
	install -m 0644 doc/nslab.1 $(DESTDIR)$(PREFIX)/share/man/man1/nslab.1
	install -m 0644 completion/nslab.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/nslab
	rm -rf $(DESTDIR)$(DATADIR)/lessons $(DESTDIR)$(DATADIR)/slides $(DESTDIR)$(DATADIR)/rootfs
	for d in lessons slides; do if [ -d $$d ]; then cp -r $$d $(DESTDIR)$(DATADIR)/; fi; done
	cp -a $(ROOTFS) $(DESTDIR)$(DATADIR)/rootfs

clean:
	rm -rf build/obj build/san build/helpers $(GEN) nslab

distclean: clean
	rm -rf build

format:
	clang-format -i src/*/*.c src/*/*.h include/nslab/*.h helpers/*.c tests/unit/*.c

# libFuzzer targets (fuzz/, fuzz/README.md): the parsers built by clang with
# ASan+UBSan into build/fuzz; `make fuzz` runs each for FUZZ_SECONDS and fails
# on any crash. Not part of `check`. FUZZ_TARGETS=lesson runs one.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= tokenize lesson idmap size mountinfo slides netlink
FUZZ_BUILD   := build/fuzz
FUZZ_CORE    := tokenize util error explain explain_table idmap size probe_mounts slides netlink probe_links \
	lesson lesson_match lesson_check
FUZZ_CFLAGS  := -std=gnu11 -g -O1 -fno-omit-frame-pointer -Wall -Wextra -Werror -Wshadow \
	-Iinclude -Isrc -Ifuzz -D_GNU_SOURCE $(shell $(PKG_CONFIG) --cflags json-c) \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_OBJ     := $(FUZZ_CORE:%=$(FUZZ_BUILD)/obj/%.o)
FUZZ_BIN     := $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz_%)

.PHONY: fuzz
.SECONDARY: $(FUZZ_OBJ)
fuzz: $(FUZZ_BIN)
	scripts/fuzz.sh run $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# Says which package to install when clang or its libFuzzer runtime is missing.
$(FUZZ_BUILD)/toolchain.ok: scripts/fuzz.sh
	scripts/fuzz.sh probe '$(FUZZ_CC)' $@

$(FUZZ_BUILD)/obj/%.o: src/core/%.c $(wildcard include/nslab/*.h src/core/*.h) | $(FUZZ_BUILD)/toolchain.ok
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_BUILD)/libcore.a: $(FUZZ_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: fuzz/fuzz_%.c fuzz/fuzz.h $(FUZZ_BUILD)/libcore.a | $(FUZZ_BUILD)/toolchain.ok
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_BUILD)/libcore.a $(shell $(PKG_CONFIG) --libs json-c)
