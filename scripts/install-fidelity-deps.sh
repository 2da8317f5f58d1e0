#!/usr/bin/env bash
# Installs the third-party readers the fidelity tests check exports with:
# LibreOffice (headless conversion), poppler-utils and qpdf (PDF checks) and
# the Python readers openpyxl, python-docx, python-pptx and pypdf.
#
# Idempotent: tools already present are left as they are. Needs root (or
# sudo) for apt-get; pip installs into the active Python.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
fi

need_apt=0
for tool in soffice pdftotext qpdf; do
  command -v "$tool" >/dev/null 2>&1 || need_apt=1
done
if [ "$need_apt" -eq 1 ]; then
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update
  $SUDO apt-get install -y --no-install-recommends \
    libreoffice-core libreoffice-writer libreoffice-calc libreoffice-impress \
    poppler-utils qpdf
else
  echo "soffice, pdftotext and qpdf already installed"
fi

PY="${PYTHON:-python3}"
if "$PY" -c "import openpyxl, docx, pptx, pypdf" >/dev/null 2>&1; then
  echo "openpyxl, python-docx, python-pptx and pypdf already installed"
else
  "$PY" -m pip install --quiet openpyxl python-docx python-pptx pypdf
fi
