# One command index. Everything a newcomer needs is `make run` and `make test`.
SHELL := /bin/bash
RASA_PY := .venv-rasa/bin/python
GW_PY := .venv-gw/bin/python

.PHONY: setup model run test test-rasa test-gw lint validate eval bench soak help

help:
	@echo "make run    - set up what is missing, train if needed, start every process"
	@echo "make test   - set up what is missing and run the whole test suite (both environments)"
	@echo "make lint | validate | eval | bench | model | setup"

setup:
	@bash scripts/setup-envs.sh

model: setup
	@$(RASA_PY) scripts/train.py >/dev/null

run: model
	@$(GW_PY) scripts/stack.py --model "$$($(RASA_PY) scripts/train.py)"

test:
	@bash scripts/test.sh

test-rasa: model
	@bash scripts/test.sh rasa

test-gw: model
	@bash scripts/test.sh gateway

lint: setup
	@$(GW_PY) -m ruff check .

validate: setup
	@$(RASA_PY) -m rasa data validate --config bot/config.yml --domain bot/domain --data bot/data

eval: setup
	@./intake eval --check

bench: model
	@$(GW_PY) scripts/bench/run_all.py $(BENCH_ARGS)

soak: model
	@$(GW_PY) scripts/bench/soak.py $(SOAK_ARGS)
