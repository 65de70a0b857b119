#!/bin/bash
# The guide's "c) Request an application access token" (signed flow). Changed from the guide:
# httpHost and the certificate paths (from the environment), the PDF's line breaks joined
# again; the example's pasted certificate is read from the file as in step 1, and keyId is the
# guide's "SN=49BA5C71".
httpHost="${SANDBANK_HOST:?}"
certPath="${SANDBANK_CERTS:?}/"
keyId="SN=49BA5C71"

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

curl -i -X POST "${httpHost}${reqPath}" \
-H 'Accept: application/json' \
-H 'Content-Type: application/x-www-form-urlencoded' \
-H "Digest: ${digest}" \
-H "Date: ${reqDate}" \
-H "TPP-Signature-Certificate: $(tr -d "\n\r" < ${certPath}example_client_signing.cer)" \
-H "authorization: Signature keyId=\"$keyId\",algorithm=\"rsa-sha256\",headers=\"(request-target) date digest\",signature=\"$signature\"" \
-d "${payload}" \
--cacert "${certPath}ca.cer" \
--cert "${certPath}example_client_tls.cer" \
--key "${certPath}example_client_tls.key"
