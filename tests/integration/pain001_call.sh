#!/bin/bash
# A pain.001 call signed the way the guide's scripts sign: the signed application token
# (step 3c: Authorization: Signature keyId="SN=..."), then the call with that token and a
# Signature header (keyId = the client_id) over (request-target) date digest x-request-id,
# openssl dgst rsa-sha256. The body is sent byte for byte from a file. Prints the response
# body, then the status on a last line; the response headers go to HEADERS_FILE when set.
#   HOST, CERTS      sandbox URL; folder with example_client_{tls,signing}.{cer,key} and ca.cer
#   METHOD           default POST
#   REQ_PATH         e.g. /v1/payments/pain.001-sepa-credit-transfers
#   BODY_FILE        the body (a pain.001 document, a multipart form); none for a GET
#   CONTENT_TYPE     default application/xml
#   REQUEST_ID       X-Request-ID (default: a new UUID)
#   NO_SIGNATURE=1   leave the Signature header out
set -euo pipefail
certs="${CERTS:?}/"
tls=(--cacert "${certs}ca.cer" --cert "${certs}example_client_tls.cer" --key "${certs}example_client_tls.key")

sign() {  # sign <signing string>
  printf %s "$1" | openssl dgst -sha256 -sign "${certs}example_client_signing.key" | openssl base64 -A
}

# Step 3c: the application access token.
payload="grant_type=client_credentials"
digest="SHA-256=$(printf %s "$payload" | openssl dgst -binary -sha256 | openssl base64)"
reqDate=$(LC_TIME=en_US.UTF-8 date -u "+%a, %d %b %Y %H:%M:%S GMT")
signature=$(sign "(request-target): post /oauth2/token
date: $reqDate
digest: $digest")
response=$(curl -sS -X POST "${HOST:?}/oauth2/token" "${tls[@]}" \
  -H 'Content-Type: application/x-www-form-urlencoded' -H "Digest: $digest" -H "Date: $reqDate" \
  -H "TPP-Signature-Certificate: $(tr -d '\n\r' < "${certs}example_client_signing.cer")" \
  -H "Authorization: Signature keyId=\"SN=49BA5C71\",algorithm=\"rsa-sha256\",headers=\"(request-target) date digest\",signature=\"$signature\"" \
  -d "$payload")
accessToken=$(echo "$response" | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
clientId=$(echo "$response" | sed -E 's/.*"client_id":"([^"]+)".*/\1/')

# The call.
method="${METHOD:-POST}"
lower=$(echo "$method" | tr '[:upper:]' '[:lower:]')
body_file="${BODY_FILE:-/dev/null}"
digest="SHA-256=$(openssl dgst -binary -sha256 < "$body_file" | openssl base64)"
reqDate=$(LC_TIME=en_US.UTF-8 date -u "+%a, %d %b %Y %H:%M:%S GMT")
requestId="${REQUEST_ID:-$(cat /proc/sys/kernel/random/uuid)}"
signature=$(sign "(request-target): $lower ${REQ_PATH:?}
date: $reqDate
digest: $digest
x-request-id: $requestId")
args=(-sS -X "$method" "$HOST$REQ_PATH" "${tls[@]}" -w '\n%{http_code}'
      -H "Content-Type: ${CONTENT_TYPE:-application/xml}" -H "Digest: $digest" -H "Date: $reqDate"
      -H "X-Request-ID: $requestId" -H "TPP-Redirect-URI: https://example.com/redirect"
      -H "PSU-IP-Address: 37.44.220.0" -H "Authorization: Bearer $accessToken")
[ "${NO_SIGNATURE:-}" = 1 ] || args+=(-H "Signature: keyId=\"$clientId\",algorithm=\"rsa-sha256\",headers=\"(request-target) date digest x-request-id\",signature=\"$signature\"")
[ -z "${HEADERS_FILE:-}" ] || args+=(-D "$HEADERS_FILE")
[ "$body_file" = /dev/null ] || args+=(--data-binary "@$body_file")
curl "${args[@]}"
