# The two commands a new user needs:
#   make serve   install what is missing, build, start the sandbox with its defaults
#   make test    install what is missing, build, run every test through ctest
BUILD ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
JOBS ?= 2
SERVE_ARGS ?=
# WERROR=1 turns compiler warnings into errors (CI does).
WERROR ?=

WERROR_FLAG = -DSANDBANK_WERROR=$(if $(filter 1 ON on yes,$(WERROR)),ON,OFF)
CMAKE_FLAGS = -G Ninja -DCMAKE_BUILD_TYPE=Release $(WERROR_FLAG)

.PHONY: all deps test-deps fuzz-deps build serve test test-asan fuzz fuzz-build bench format clean

all: build

deps:
	@./scripts/install-deps.sh

test-deps:
	@./scripts/install-deps.sh --test

# Configured on every build (quick once configured), so that WERROR takes effect either way.
build: deps
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j $(JOBS)

serve: build
	./$(BUILD)/sandbank serve $(SERVE_ARGS)

test: test-deps build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

# Unit and integration tests under AddressSanitizer + UndefinedBehaviorSanitizer.
test-asan: test-deps
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSANDBANK_SANITIZE=ON \
	  -DSANDBANK_BUILD_BENCH=OFF $(WERROR_FLAG)
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS) -L 'unit|integration'

fuzz-deps:
	@./scripts/install-deps.sh --fuzz

# The libFuzzer targets (clang, ASan + UBSan), each run for FUZZ_SECONDS from its seed corpus
# (docs/reliability.md): `make fuzz FUZZ_SECONDS=600`, one target: `make fuzz FUZZ_TARGETS=digest`.
fuzz-build: fuzz-deps
	CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release \
	  -DSANDBANK_FUZZ=ON -DSANDBANK_BUILD_TESTS=OFF -DSANDBANK_BUILD_BENCH=OFF $(WERROR_FLAG)
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzz_all

fuzz: fuzz-build
	./fuzz/run.sh $(FUZZ_BUILD)/fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)

bench: build
	./bench/run.sh

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
