# SPDX-License-Identifier: GPL-2.0-only
#
# Convenience targets around the standard external-module build.  The
# kernel build itself reads ./Kbuild, so
#     make -C /lib/modules/<kver>/build M=$PWD modules
# works as it does for any out-of-tree module (DKMS does exactly that).
#
#   make                 module for KVER (default: the running kernel if its
#                        headers are installed, else the newest supported one)
#   make modules-all     module for every supported Debian kernel (the ones
#                        scripts/kernels lists: scripts/kernel-cache fetch
#                        puts them in the kernel cache), each in
#                        build/kmod/<kver>/ so the builds never clobber; a
#                        kernel whose headers need a newer C library is
#                        built inside its Debian build root (scripts/buildroot)
#   make sparse          modules-all with C=1 (sparse), warnings fatal
#   make userland        the C++ tools (CMake, in build/userland)
#   make install         module for KVER and the tools (PREFIX, default
#                        /usr/local; PREFIX=/usr puts mount.ecryptfs where
#                        mount(8) finds it and pam_ecryptfs.so where PAM does);
#                        DESTDIR=dir stages everything below dir (no depmod)
#   make uninstall       removes what make install installed (same PREFIX,
#                        DESTDIR and KVER)
#   WERROR=1             compiler warnings fail the build (module and tools);
#                        CI and scripts/test set it
#   CMAKE_ARGS=...       more options for the tools' build of make install
#                        (e.g. -DECRYPTFS_TPM=OFF -DECRYPTFS_PKCS11=OFF)

SHELL := /bin/bash
TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
KVERS ?= $(shell $(TOP)/scripts/kernels)
RUNNING := $(shell uname -r)
KVER ?= $(if $(wildcard /lib/modules/$(RUNNING)/build/Makefile),$(RUNNING),$(firstword $(KVERS)))
KDIR ?= $(if $(wildcard /lib/modules/$(KVER)/build/Makefile),/lib/modules/$(KVER)/build,$(shell $(TOP)/scripts/kernels --build $(KVER)))
BUILD ?= $(TOP)/build
PREFIX ?= /usr/local
KSRC := Kbuild VERSION kernel include
# What an in-place build generates, never copied into a per-kernel tree.
KGEN := '*.o' '*.ko' '.*.cmd' '*.mod*' '*.probe' '*.probe.log' have.h kernel.stamp
# The tree make install builds the tools in: its own, so that the prefix
# compiled into the tools never changes the test build (build/userland).
INSTALL_BUILD ?= $(BUILD)/install
CMAKE_WERROR := -DECRYPTFS_WERROR=$(if $(filter 1,$(WERROR)),ON,OFF)

.PHONY: all modules modules-all sparse clean userland install install-module \
	install-userland uninstall

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
	@rsync -a --delete $(addprefix --exclude ,$(KGEN)) $(addprefix $(TOP)/,$(KSRC)) $(BUILD)/kmod/$(1)/;
	+$(call kbuild,$(1),$(BUILD)/kmod/$(1)) $(KFLAGS) modules
endef
# $(call kbuild,KVER,DIR): the kernel's make for the module in DIR, run
# here or in the kernel's build root.
kbuild = $(if $(filter host,$(shell $(TOP)/scripts/kernels --builder $(1))),$(MAKE),\
	$(TOP)/scripts/buildroot $(shell $(TOP)/scripts/kernels --builder $(1)) run -b $(2) -- make) \
	-C $(shell $(TOP)/scripts/kernels --build $(1)) M=$(2)
$(foreach k,$(KVERS),$(eval $(call kmod_rule,$(k))))

sparse:
	$(MAKE) modules-all KFLAGS="C=2 CF=-Wsparse-error"

FORCE:

userland:
	cmake -S $(TOP) -B $(BUILD)/userland -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_WERROR)
	cmake --build $(BUILD)/userland -j$(shell nproc)

# The module goes to $(DESTDIR)/lib/modules/$(KVER)/updates; depmod runs
# only for a live install (a staged tree gets its module index where it is
# installed for real, e.g. by the package's DKMS).
install-module: modules
	$(MAKE) -C $(KDIR) M=$(TOP) INSTALL_MOD_DIR=updates \
		$(if $(DESTDIR),INSTALL_MOD_PATH=$(DESTDIR) DEPMOD=true) modules_install
	$(if $(DESTDIR),,depmod -a $(KVER))

install-userland:
	cmake -S $(TOP) -B $(INSTALL_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DCMAKE_INSTALL_PREFIX=$(PREFIX) -DBUILD_TESTING=OFF $(CMAKE_WERROR) $(CMAKE_ARGS)
	cmake --build $(INSTALL_BUILD) -j$(shell nproc)
	DESTDIR=$(DESTDIR) cmake --install $(INSTALL_BUILD)

install: install-module install-userland

# Everything install_manifest.txt lists (the files cmake --install wrote,
# listed without DESTDIR, the last line without a newline), below
# $(DESTDIR), then the directories of ours left empty, then the module.
# Give the DESTDIR of the install.
uninstall:
	@m=$(INSTALL_BUILD)/install_manifest.txt; \
	if [ -r "$$m" ]; then \
		while IFS= read -r f || [ -n "$$f" ]; do rm -fv -- "$(DESTDIR)$$f"; done < "$$m"; \
		sed -n 's,/[^/]*$$,,p' "$$m" | sort -u | grep -E '/(ecryptfs|ecryptfs-utils)$$' | \
			while IFS= read -r d; do \
				[ ! -d "$(DESTDIR)$$d" ] || rmdir -v --ignore-fail-on-non-empty -- "$(DESTDIR)$$d"; \
			done; \
		rm -f "$$m"; \
	else \
		echo "make uninstall: no $$m: the tools were not installed from this tree" >&2; \
	fi
	rm -fv $(DESTDIR)/lib/modules/$(KVER)/updates/ecryptfs.ko $(DESTDIR)/lib/modules/$(KVER)/updates/ecryptfs.ko.xz
	$(if $(DESTDIR),,depmod -a $(KVER))

clean:
	$(MAKE) -C $(KDIR) M=$(TOP) clean 2>/dev/null || true
	rm -rf $(BUILD)/kmod
