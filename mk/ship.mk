# Shipping alpncheck into other projects (issue 14).
#   make release            the release preset (optimised, no tests): build/release/harness/cli/alpncheck and libalpn
#   make release-deps       only the Debian/Ubuntu packages that make release needs (action.yml runs it)
#   make install            installs the release build into PREFIX (default /usr/local), honouring DESTDIR:
#                           bin/alpncheck, lib/libalpn.{a,so*}, include/alpn.h, lib/pkgconfig/libalpn.pc,
#                           share/man/man1/alpncheck.1, share/alpncheck/vectors/
#   make deb                Debian packages alpncheck, libalpn0, libalpn-dev in build/deb/ (dpkg-buildpackage in a
#                           copy of the tree, build/deb/src; lintian must report no error)
#   make deb-check          make deb, then unpacks the packages and runs what they hold (make check runs it)
.PHONY: release release-deps install deb deb-check

PREFIX ?= /usr/local
DEB_OUT := build/deb
PKGS_RELEASE := cmake make gcc pkg-config libgnutls28-dev nettle-dev libgmp-dev libjansson-dev
PKGS_DEB := $(PKGS_RELEASE) build-essential debhelper dpkg-dev fakeroot lintian man-db binutils

CHECK_EXTRA += deb-check
# The ctests of this part: install_check validates the man page with man --warnings; action_run reads action.yml.
PKGS_CHECK += man-db python3-yaml

# The packages the release build needs (the GitHub action's first step runs this).
release-deps:
	@$(ENSURE) $(PKGS_RELEASE)

release: release-deps
	@cmake --preset release >/dev/null
	@$(QUIET_BUILD) release

install: release
	@DESTDIR="$(DESTDIR)" cmake --install build/release --prefix "$(PREFIX)"

deb:
	@$(ENSURE) $(PKGS_DEB)
	@./tools/make-deb $(DEB_OUT)

deb-check: deb
	@echo "== Debian packages (dpkg -x, then the extracted alpncheck and libalpn)"
	@./tests/deb_check.sh $(DEB_OUT) $(CURDIR)
