# SPDX-License-Identifier: GPL-2.0-only
#
# Convenience targets around the standard external-module build.  The
# kernel build itself reads ./Kbuild, so
#     make -C /lib/modules/<kver>/build M=$PWD modules
# works as it does for any out-of-tree module (DKMS does exactly that).
#
#   make                 module for KVER (default: the running kernel if its
#                        headers are installed, else the newest supported one)
#   make modules-all     module for every supported Debian kernel, each in
#                        build/kmod/<kver>/ so the builds never clobber
#   make sparse          modules-all with C=1 (sparse), warnings fatal
#   make userland        the C++ tools (CMake, in build/userland)
#   make install         module for KVER and the tools (PREFIX, default
#                        /usr/local; PREFIX=/usr puts mount.ecryptfs where
#                        mount(8) finds it and pam_ecryptfs.so where PAM does)

SHELL := /bin/bash
TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
KVERS ?= $(shell scripts/kernels)
RUNNING := $(shell uname -r)
KVER ?= $(if $(wildcard /lib/modules/$(RUNNING)/build/Makefile),$(RUNNING),$(lastword $(KVERS)))
KDIR ?= /lib/modules/$(KVER)/build
BUILD ?= $(TOP)/build
PREFIX ?= /usr/local
KSRC := Kbuild kernel include

.PHONY: all modules modules-all sparse clean userland install install-module

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(TOP) modules

# Copy the module sources into a per-kernel directory and build there:
# external modules are built in place, so this is what keeps 6.1 and 6.12
# objects apart.
define kmod_rule
modules-all: $(BUILD)/kmod/$(1)/ecryptfs.ko
$(BUILD)/kmod/$(1)/ecryptfs.ko: FORCE
	@mkdir -p $(BUILD)/kmod/$(1)
	@rsync -a --delete --exclude '*.o' --exclude '*.ko' --exclude '.*.cmd' \
		--exclude '*.mod*' $(addprefix $(TOP)/,$(KSRC)) $(BUILD)/kmod/$(1)/;
	$(MAKE) -C /lib/modules/$(1)/build M=$(BUILD)/kmod/$(1) $(KFLAGS) modules
endef
$(foreach k,$(KVERS),$(eval $(call kmod_rule,$(k))))

sparse:
	$(MAKE) modules-all KFLAGS="C=2 CF=-Wsparse-error"

FORCE:

userland:
	cmake -S $(TOP) -B $(BUILD)/userland -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DCMAKE_INSTALL_PREFIX=$(PREFIX)
	cmake --build $(BUILD)/userland -j$(shell nproc)

install-module: modules
	$(MAKE) -C $(KDIR) M=$(TOP) INSTALL_MOD_DIR=updates modules_install
	depmod -a $(KVER)

install: install-module userland
	cmake --install $(BUILD)/userland

clean:
	$(MAKE) -C $(KDIR) M=$(TOP) clean 2>/dev/null || true
	rm -rf $(BUILD)/kmod
