#!/bin/bash
# The guide's step 4 example: Payment Initiation API "/v1/periodic-payments/{payment-product}"
# with the application access token, signed with an HTTP Signature as the guide's other
# scripts sign (openssl dgst, rsa-sha256). Changed from the guide: httpHost and the
# certificate paths (from the environment). It first requests the signed application token
# (step 3c), then initiates the payment. Knobs for Sandbank's tests (all optional):
#   SANDBANK_PIS_PATH  reqPath (default /v1/periodic-payments/sepa-credit-transfers)
#   SANDBANK_PIS_BODY  payload (default: the recorded sandbox request, starting today)
#   SANDBANK_PIS_METHOD (default post), SANDBANK_REQUEST_ID (default: a new UUID)
httpHost="${SANDBANK_HOST:?}"
certPath="${SANDBANK_CERTS:?}/"
keyId="SN=49BA5C71"

# Step 3c: the application access token.
payload="grant_type=client_credentials"
payloadDigest=`echo -n "$payload" | openssl dgst -binary -sha256 | openssl base64`
digest=SHA-256=$payloadDigest
reqDate=$(LC_TIME=en_US.UTF-8 date -u "+%a, %d %b %Y %H:%M:%S GMT")
httpMethod="post"
reqPath="/oauth2/token"
signingString="(request-target): $httpMethod $reqPath
date: $reqDate
digest: $digest"
signature=`printf %s "$signingString" | openssl dgst -sha256 -sign "${certPath}example_client_signing.key" -passin "pass:changeit" | openssl base64 -A`
response=`curl -s -X POST "${httpHost}${reqPath}" \
-H 'Accept: application/json' \
-H 'Content-Type: application/x-www-form-urlencoded' \
-H "Digest: ${digest}" \
-H "Date: ${reqDate}" \
-H "TPP-Signature-Certificate: $(tr -d "\n\r" < ${certPath}example_client_signing.cer)" \
-H "authorization: Signature keyId=\"$keyId\",algorithm=\"rsa-sha256\",headers=\"(request-target) date digest\",signature=\"$signature\"" \
-d "${payload}" \
--cacert "${certPath}ca.cer" \
--cert "${certPath}example_client_tls.cer" \
--key "${certPath}example_client_tls.key"`
accessToken=`echo "$response" | sed -E 's/.*"access_token":"([^"]+)".*/\1/'`
clientId=`echo "$response" | sed -E 's/.*"client_id":"([^"]+)".*/\1/'`

# Step 4: the periodic payment.
startDate=$(date -u "+%Y-%m-%d")
payload="{\"instructedAmount\":{\"amount\":\"1\",\"currency\":\"EUR\"},\"creditorAccount\":{\"iban\":\"AT861921125678901234\"},\"creditorName\":\"Laura Musterfrau\",\"startDate\":\"$startDate\",\"frequency\":\"WEEK\"}"
[ -n "${SANDBANK_PIS_BODY+x}" ] && payload="$SANDBANK_PIS_BODY"
payloadDigest=`echo -n "$payload" | openssl dgst -binary -sha256 | openssl base64`
digest=SHA-256=$payloadDigest
reqDate=$(LC_TIME=en_US.UTF-8 date -u "+%a, %d %b %Y %H:%M:%S GMT")
httpMethod="${SANDBANK_PIS_METHOD:-post}"
reqPath="${SANDBANK_PIS_PATH:-/v1/periodic-payments/sepa-credit-transfers}"
requestId="${SANDBANK_REQUEST_ID:-$(cat /proc/sys/kernel/random/uuid)}"
signingString="(request-target): $httpMethod $reqPath
date: $reqDate
digest: $digest"
signature=`printf %s "$signingString" | openssl dgst -sha256 -sign "${certPath}example_client_signing.key" -passin "pass:changeit" | openssl base64 -A`

curl -i -X "$(echo $httpMethod | tr a-z A-Z)" "${httpHost}${reqPath}" \
-H 'Accept: application/json' \
-H 'Content-Type: application/json' \
-H "Digest: ${digest}" \
-H "Date: ${reqDate}" \
-H "X-Request-ID: ${requestId}" \
-H "TPP-Redirect-URI: https://example.com/redirect" \
-H "PSU-IP-Address: 37.44.220.0" \
-H "Authorization: Bearer ${accessToken}" \
-H "Signature: keyId=\"$clientId\",algorithm=\"rsa-sha256\",headers=\"(request-target) date digest\",signature=\"$signature\"" \
-d "${payload}" \
--cacert "${certPath}ca.cer" \
--cert "${certPath}example_client_tls.cer" \
--key "${certPath}example_client_tls.key"
