# treatykg — the two set-up commands are `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
OUT    ?= demo-out
COLLECTION ?= $(OUT)/collection
TEXTS  := $(wildcard data/*.txt)
BENCH_SIZES ?= 200,1000

.PHONY: help venv demo test score bench serve docs clean

help:  ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(BIN)/treatykg: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

venv: $(BIN)/treatykg  ## create .venv and install treatykg with its test tools

demo: venv  ## convert and validate data/, build them into the embedded store and a site, list the signatories
	@mkdir -p $(OUT)
	@for f in $(TEXTS); do \
	  n=$$(basename $$f .txt); \
	  $(BIN)/treatykg convert $$f -o $(OUT)/$$n.trig || exit $$?; \
	  printf '%-48s ' "$$n.trig"; $(BIN)/treatykg validate $(OUT)/$$n.trig | head -1 || exit $$?; \
	done
	@echo
	@$(BIN)/treatykg extract data/1958-02-19_cn-kp_joint-statement.txt --format text
	@echo "RDF written to $(OUT)/ (one named graph per document, TriG)."
	@echo
	@$(BIN)/treatykg build data --out $(COLLECTION) --quiet
	@$(BIN)/treatykg site $(COLLECTION) > /dev/null
	@$(BIN)/treatykg query --store $(COLLECTION) --named signatories
	@echo "Collection in $(COLLECTION)/ (graphs/, store/, void.ttl, site/index.html);"
	@echo "'make serve' opens a SPARQL endpoint and the site on it."

serve: venv  ## serve the demo collection as a local SPARQL endpoint (Ctrl-C stops it)
	$(BIN)/treatykg serve --store $(COLLECTION)

test: venv  ## run the test suite
	$(BIN)/pytest -q

bench: venv  ## measure throughput, memory and growth (BENCH_SIZES=1000,5000,20000 for the full run); see benchmarks/README.md
	$(BIN)/python benchmarks/bench.py --sizes $(BENCH_SIZES)

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
