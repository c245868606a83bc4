#!/bin/bash -eu
# ClusterFuzzLite builds with the same script as an OSS-Fuzz submission would (oss-fuzz/build.sh).
exec "${ALPNCHECK_SRC:-$SRC/alpncheck}/oss-fuzz/build.sh"
