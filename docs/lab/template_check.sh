#!/bin/bash
# Templates of the seven development sets and of six degraded copies of each, one file per
# variant, for a byte-for-byte comparison of two builds' extraction (issue #14, 18th pass).
# usage: template_check.sh MATCH_LAB OUT_DIR [DATA_DIR] [DEGRADED_DIR]
#   DEGRADED_DIR holds SET_r_350, SET_r_1000, SET_n20, SET_rot35, SET_inv and SET_blur for each
#   set, made by `match_lab degrade`; then: for f in A/*.bin; do cmp $f B/$(basename $f); done
set -eu
BIN=$1; OUT=$2
DATA=${3:-../shared/data/fingerprints}; DEG=${4:-/tmp/deg}
mkdir -p "$OUT"
S="FVC2000_DB1_B FVC2000_DB2_B FVC2000_DB3_B FVC2002_DB1_B FVC2002_DB3_B FVC2004_DB1_B FVC2004_DB2_B"
d=""; for s in $S; do d="$d $DATA/$s/tif"; done
"$BIN" tcache "$OUT/base.bin" $d 2>"$OUT/base.log"
for v in r_350 r_1000 n20 rot35 inv blur; do
  d=""; for s in $S; do d="$d $DEG/${s}_$v"; done
  "$BIN" tcache "$OUT/$v.bin" $d 2>"$OUT/$v.log"
done
