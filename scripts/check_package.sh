#!/usr/bin/env bash
# Build the wheel and sdist, install each into a clean virtual environment, and check that
# Airflow registers the provider from it (the "a user can publish this" check).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
rm -rf dist
.venv/bin/python -m build --outdir dist . >/dev/null
for artifact in dist/*.whl dist/*.tar.gz; do
  env_dir=$(mktemp -d)
  "$PYTHON" -m venv "$env_dir"
  "$env_dir/bin/pip" install --quiet "$artifact"
  home=$(mktemp -d)
  providers=$(AIRFLOW_HOME="$home" "$env_dir/bin/airflow" providers list -o plain)
  hooks=$(AIRFLOW_HOME="$home" "$env_dir/bin/airflow" providers hooks -o plain)
  grep -q "airflow-provider-wistia" <<<"$providers" || { echo "FAIL: $artifact does not register the provider"; exit 1; }
  grep -q "^wistia" <<<"$hooks" || { echo "FAIL: $artifact does not register the wistia connection type"; exit 1; }
  plugins=$(AIRFLOW_HOME="$home" AIRFLOW__CORE__LOAD_EXAMPLES=False "$env_dir/bin/airflow" plugins -o plain)
  grep -q "^wistia_webhooks" <<<"$plugins" || { echo "FAIL: $artifact does not ship the webhook plugin"; exit 1; }
  "$env_dir/bin/python" -c "import airflow_provider_wistia, pathlib; \
assert (pathlib.Path(airflow_provider_wistia.__file__).parent / 'py.typed').exists()"
  echo "ok: $artifact installs into a clean environment and registers the provider"
  rm -rf "$env_dir" "$home"
done
