#!/usr/bin/env bash
# Installs the Debian packages the test suite needs when they are missing.
# Idempotent and quiet when everything is already there.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
# PostgreSQL: the storage tests start a throwaway cluster with initdb/pg_ctl.
if ! command -v pg_ctl >/dev/null 2>&1 && ! compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null; then
  need+=(postgresql)
fi
# Java for the Spark cohort engine (local mode); poppler for the PDF sheet tests.
command -v java >/dev/null 2>&1 || need+=(openjdk-17-jre-headless)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
if ((${#need[@]})); then
  echo "installing Debian packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi
