# fuzz.mk - libFuzzer targets and their corpus replay (filled in by the fuzzing work)
.PHONY: fuzz
fuzz:
	@echo "no fuzz targets yet"
