# The check catalogue's page (issue 14): docs/CHECKS.md is generated from harness/checks/catalogue.c.
#   make docs   builds alpncheck and rewrites docs/CHECKS.md with `alpncheck checks --markdown`
# make check fails while the checked-in page differs from that output (the ctest catalogue_docs_up_to_date).
.PHONY: docs

docs: build/dev/.built
	@mkdir -p docs
	@$(ALPNCHECK) checks --markdown > docs/CHECKS.md.tmp || { rm -f docs/CHECKS.md.tmp; exit 1; }
	@mv docs/CHECKS.md.tmp docs/CHECKS.md
	@echo "docs: regenerated docs/CHECKS.md"
