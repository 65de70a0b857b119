#!/bin/bash
# Sends one request signed the way the guide's scripts sign (openssl dgst, rsa-sha256), with
# knobs to get it wrong on purpose. Prints the response body, then the status on a last line.
#   HOST, CERTS      sandbox URL; folder with example_client_{tls,signing}.{cer,key} and ca.cer
#   METHOD, REQ_PATH, BODY
#   BEARER           when set: "Authorization: Bearer" + a "Signature:" header with keyId=KEY_ID
#                    (the client_id); when unset: "Authorization: Signature" with keyId=SN=...
#   KEY_ID           default SN=49BA5C71
#   REQ_DATE         the Date header (default: now, as the guide computes it)
#   NO_DIGEST=1      leave the Digest header out (it is still signed)
#   CONTENT_TYPE     the Content-Type header (default application/x-www-form-urlencoded)
#   EXTRA_HEADERS    more header lines, unsigned, separated by '|'
#                    ("X-Sandbank-Scenario: slow;ms=300|X-Request-ID: ...")
#   HEADERS_FILE     where curl writes the response headers (-D)
#   SIGN_TRAILING_NEWLINE=1  sign the signing string with a newline at its end (the guide's
#                    troubleshooting mistake), so the signature does not verify
set -euo pipefail
method="${METHOD:-POST}"
lower=$(echo "$method" | tr '[:upper:]' '[:lower:]')
body="${BODY:-}"
keyId="${KEY_ID:-SN=49BA5C71}"
digest="SHA-256=$(printf %s "$body" | openssl dgst -binary -sha256 | openssl base64)"
reqDate="${REQ_DATE:-$(LC_TIME=en_US.UTF-8 date -u "+%a, %d %b %Y %H:%M:%S GMT")}"
signingString="(request-target): $lower $REQ_PATH
date: $reqDate
digest: $digest"
[ "${SIGN_TRAILING_NEWLINE:-}" = 1 ] && signingString="$signingString
"
signature=$(printf %s "$signingString" | openssl dgst -sha256 -sign "$CERTS/example_client_signing.key" | openssl base64 -A)
params="keyId=\"$keyId\",algorithm=\"rsa-sha256\",headers=\"(request-target) date digest\",signature=\"$signature\""
args=(-sS -X "$method" "$HOST$REQ_PATH" --cacert "$CERTS/ca.cer"
      --cert "$CERTS/example_client_tls.cer" --key "$CERTS/example_client_tls.key"
      -H "Content-Type: ${CONTENT_TYPE:-application/x-www-form-urlencoded}" -H "Date: $reqDate"
      -w '\n%{http_code}')
[ "${NO_DIGEST:-}" = 1 ] || args+=(-H "Digest: $digest")
if [ -n "${BEARER:-}" ]; then
  args+=(-H "Authorization: Bearer $BEARER" -H "Signature: $params")
else
  args+=(-H "TPP-Signature-Certificate: $(tr -d '\n\r' < "$CERTS/example_client_signing.cer")"
         -H "Authorization: Signature $params")
fi
if [ -n "${EXTRA_HEADERS:-}" ]; then
  IFS='|' read -ra extra <<< "$EXTRA_HEADERS"
  for h in "${extra[@]}"; do args+=(-H "$h"); done
fi
[ -z "${HEADERS_FILE:-}" ] || args+=(-D "$HEADERS_FILE")
[ -z "$body" ] || args+=(--data-raw "$body")
curl "${args[@]}"
