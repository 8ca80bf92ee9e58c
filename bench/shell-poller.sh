#!/usr/bin/env bash
# The poller an operator would write instead of ses-upgrade-monitor: bash, openssl, curl and
# jq, with the request signing recipe of NAVER Cloud's API documentation ("API Gateway:
# signature v2", the shell example: HMAC-SHA256 with `openssl dgst -hmac`, Base64 with
# `openssl enc -base64`). scripts/bench runs it against the simulator to measure its CPU per
# poll (SPEC §9: the daemon must need at least 500 times less).
#
#   bench/shell-poller.sh BASE_URL INSTANCE_NO... 
#
# Environment: NCLOUD_ACCESS_KEY, NCLOUD_SECRET_KEY; CURL_CA_BUNDLE for a private CA (the
# simulator's self-signed certificate). Prints one line per node: instance, host, status.
set -euo pipefail
base_url=$1
shift

function makeSignature() {
    nl=$'\\n'
    TIMESTAMP=$(echo $(($(date +%s%N) / 1000000)))
    ACCESSKEY="$NCLOUD_ACCESS_KEY"
    SECRETKEY="$NCLOUD_SECRET_KEY"
    METHOD="POST"
    URI="/api/v2/cluster/getRollingUpgradeProgress"
    SIG="$METHOD"' '"$URI"${nl}
    SIG+="$TIMESTAMP"${nl}
    SIG+="$ACCESSKEY"
    SIGNATURE=$(echo -n -e "$SIG" | iconv -t utf8 | openssl dgst -sha256 -hmac "$SECRETKEY" -binary | openssl enc -base64)
}

for instance in "$@"; do
    makeSignature
    response=$(curl -s -X POST "$base_url$URI" \
        -H "Content-Type: application/json" \
        -H "x-ncp-apigw-timestamp: $TIMESTAMP" \
        -H "x-ncp-iam-access-key: $ACCESSKEY" \
        -H "x-ncp-apigw-signature-v2: $SIGNATURE" \
        -d "{\"regionNo\":\"1\",\"serviceGroupInstanceNo\":\"$instance\"}")
    echo "$response" | jq -r --arg i "$instance" \
        '.result.nodeStatusVoList[]? | [$i, (.hostname // .hostName), .status] | @tsv'
done
