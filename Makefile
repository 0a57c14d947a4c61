# Xenagos: `make run` serves the demo, `make test` runs the tests. Each sets everything up by itself.
.PHONY: run test stop help
PORT ?= 8000
export PORT

help:
	@echo "make run   - set up and serve the demo on http://127.0.0.1:$(PORT)/ (PORT=... to change)"
	@echo "make test  - set up and run the test suite (PYTEST_ARGS=... to pass options)"
	@echo "make stop  - stop what make run started"

run:
	@scripts/xenagos.sh run

test:
	@scripts/xenagos.sh test $(PYTEST_ARGS)

stop:
	@scripts/xenagos.sh stop
