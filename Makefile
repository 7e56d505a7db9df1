# Shortcuts for the two README commands (the scripts work without make too).
.PHONY: run test
run:
	bash scripts/run.sh
test:
	bash scripts/test.sh
