# Sourced by the shell scripts: where the project keeps the binaries it fetches or builds (the temporal CLI, the
# Temporal server, the test server's jars, the seed's Python packages). Outside the checkout so every clone and CI
# run reuses one build; the same rule as projectToolsDir() in src/temporal/temporal-cli.ts.
WP_AI_RELAY_TOOLS_DIR=${WP_AI_RELAY_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/wp-ai-relay}
export WP_AI_RELAY_TOOLS_DIR
