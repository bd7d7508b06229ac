#!/usr/bin/env bash
# Spark resource discovery script for GPU nodes (spark.{worker,executor}.resource.gpu.discoveryScript):
# prints the CUDA device ordinals of this node as Spark's ResourceInformation JSON, e.g.
#   {"name": "gpu", "addresses": ["0", "1"]}
# spark-bnn binds each task to the ordinal Spark assigns it, so the addresses must be CUDA device indices
# (as nvidia-smi numbers them; honour CUDA_VISIBLE_DEVICES on the node if you restrict devices there).
set -euo pipefail
indices=$(nvidia-smi --query-gpu=index --format=csv,noheader | tr -d ' ' | paste -sd, -)
if [ -z "$indices" ]; then
  echo '{"name": "gpu", "addresses": []}'
else
  echo "{\"name\": \"gpu\", \"addresses\": [\"${indices//,/\", \"}\"]}"
fi
