# treatykg — the two set-up commands are `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
OUT    ?= demo-out
COLLECTION ?= $(OUT)/collection
TEXTS  := $(wildcard data/*.txt)
BENCH_SIZES ?= 1000,2000,5000,20000
BENCH_ARGS  ?=

.PHONY: help venv demo test check score bench serve docs clean

help:  ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(BIN)/treatykg: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

venv: $(BIN)/treatykg  ## create .venv and install treatykg with its test tools

demo: venv  ## convert and validate data/, read one text, build the collection and its site, end with who signed what
	@mkdir -p $(OUT)
	@echo "== 1. The $(words $(TEXTS)) texts of data/ converted to RDF (TriG, in $(OUT)/) and validated with SHACL"
	@ok=0; for f in $(TEXTS); do \
	  n=$$(basename $$f .txt); \
	  $(BIN)/treatykg convert $$f -o $(OUT)/$$n.trig || exit $$?; \
	  if $(BIN)/treatykg validate $(OUT)/$$n.trig > /dev/null; then ok=$$((ok + 1)); \
	  else echo "   $$n.trig does not conform: treatykg validate $(OUT)/$$n.trig says why"; fi; \
	done; echo "   $$ok of $(words $(TEXTS)) conform"
	@echo
	@echo "== 2. What was read from one text, each fact beside the quote it came from"
	@$(BIN)/treatykg extract data/004_cn_gh_friendship_treaty_1961.txt --format text
	@echo "   (a visit, talks, commitments and the documents cited: treatykg extract data/1958-02-19_cn-kp_joint-statement.txt --format text)"
	@echo
	@echo "== 3. The collection: an embedded store ($(COLLECTION)/store), a site, and who signed what"
	@$(BIN)/treatykg build data --out $(COLLECTION) --quiet 2> $(OUT)/build.log || { cat $(OUT)/build.log; exit 1; }
	@$(BIN)/treatykg site $(COLLECTION) > /dev/null
	@$(BIN)/treatykg query --store $(COLLECTION) --named signatories --columns date,name,title,party
	@echo "More: $(COLLECTION)/site/index.html; 'make serve' for a SPARQL endpoint, its query page and the site."

serve: venv  ## serve the demo collection as a local SPARQL endpoint (Ctrl-C stops it)
	$(BIN)/treatykg serve --store $(COLLECTION)

test: venv  ## run the test suite (golden cases, ruff and mypy against their baselines, doctests included)
	$(BIN)/pytest -q

check: venv  ## only ruff and mypy against tests/baselines/ (they may only shrink: scripts/checks.py --shrink)
	$(BIN)/python scripts/checks.py

bench: venv  ## measure everything issue 21 asks, side by side (~17 min; quick: BENCH_SIZES=200,1000); see benchmarks/README.md
	$(BIN)/python benchmarks/bench.py --sizes $(BENCH_SIZES) $(BENCH_ARGS)

SCORE_SEED ?= 1
SCORE_PER_DOC ?= 10
VARIANTS ?= build/score-variants

score: venv  ## score the extraction on the 16 reference texts and their variants (SCORE_SEED=, SCORE_PER_DOC=)
	@echo "== reference texts (tests/corpus)"
	@$(BIN)/python tests/tools/score_extraction.py tests/corpus --cmd '$(BIN)/treatykg extract {file} --format json'
	@rm -rf $(VARIANTS)
	@$(BIN)/python tests/tools/variants.py tests/corpus $(VARIANTS) --per-doc $(SCORE_PER_DOC) --seed $(SCORE_SEED) -q
	@echo "== variants (variants.py --per-doc $(SCORE_PER_DOC) --seed $(SCORE_SEED), in $(VARIANTS))"
	@$(BIN)/python tests/tools/score_extraction.py $(VARIANTS) --cmd '$(BIN)/treatykg extract {file} --format json'

docs: venv  ## ontology and shapes documentation: docs/ontology.html, docs/shapes.html
	$(BIN)/treatykg docs --out docs

clean:  ## remove the demo output and caches (keeps .venv)
	rm -rf $(OUT) .pytest_cache .hypothesis build dist
