#!/bin/bash
# The guide's step 4 "Account Information API (AIS) /v3/accounts/{account-id}/balances endpoint using customer access
# token". The guide's text only links that script; this is its request as the guide builds every
# signed call (step 3d: Digest of the empty payload, Date, Signature with keyId = client_id and
# headers "(request-target) date digest", Authorization: Bearer <customer token>). Changed:
# httpHost, the certificate paths, the token and the account (from the environment).
httpHost="${SANDBANK_HOST:?}"
certPath="${SANDBANK_CERTS:?}/"
accessToken="${SANDBANK_TOKEN:?}" # customer access token from step 3d
accountId="${SANDBANK_ACCOUNT:?}" # resourceId from GET /v3/accounts
keyId="5ca1ab1e-c0ca-c01a-cafe-154deadbea75" # client_id

payload=""
payloadDigest=`echo -n "$payload" | openssl dgst -binary -sha256 | openssl base64`
digest=SHA-256=$payloadDigest

reqDate=$(LC_TIME=en_US.UTF-8 date -u "+%a, %d %b %Y %H:%M:%S GMT")
reqId=$(cat /proc/sys/kernel/random/uuid)

httpMethod="get"
reqPath="/v3/accounts/${accountId}/balances"
signingString="(request-target): $httpMethod $reqPath
date: $reqDate
digest: $digest"
signature=`printf %s "$signingString" | openssl dgst -sha256 -sign "${certPath}example_client_signing.key" -passin "pass:changeit" | openssl base64 -A`

curl -i -X GET "${httpHost}${reqPath}" \
-H 'Accept: application/json' \
-H 'Content-Type: application/json' \
-H "Digest: ${digest}" \
-H "Date: ${reqDate}" \
-H "X-Request-ID: ${reqId}" \
-H "Authorization: Bearer ${accessToken}" \
-H "Signature: keyId=\"$keyId\",algorithm=\"rsa-sha256\",headers=\"(request-target) date digest\",signature=\"$signature\"" \
--cacert "${certPath}ca.cer" \
--cert "${certPath}example_client_tls.cer" \
--key "${certPath}example_client_tls.key"
